package forecast

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestReadCSVKTAB(t *testing.T) {
	in := MustReadCSV(t, "dummyData_3Dim.csv")
	if in.Name != "DummyData_3Dim" || len(in.Actors) != 7 || len(in.Dimensions) != 3 {
		t.Fatalf("read %q, %d actors, %d dims", in.Name, len(in.Actors), len(in.Dimensions))
	}
	if in.Dimensions[1] != "Pstn2" {
		t.Errorf("dimensions %v", in.Dimensions)
	}
	a := in.Actors[2]
	if a.Name != "SActor-02" || a.Power != 129.643 || a.Position[2] != 0.07 || a.Salience[2] != 34.62 {
		t.Errorf("actor 2: %+v", a)
	}
}

const good = "n,d,2,1,\nActor,Description,Power,P1,S1,\na,,1,10,50,\nb,,2,90,60,\n"

func TestReadCSVBad(t *testing.T) {
	for _, tc := range []struct {
		name, csv string
		line, col int
		msg       string
	}{
		{"missing column head", "n,d,2\n", 1, 6, "missing column: numDims"},
		{"missing column header", "n,d,2,1,\nActor,Description,Power,P1\n", 2, 27, "missing column: salience of dimension 1"},
		{"missing column actor", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,10\n", 3, 8, "missing column: salience of dimension 1 (S1)"},
		{"salience over 100", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,10,101\nb,,1,10,10\n", 3, 9, "salience 101"},
		{"negative salience", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,10,-1\nb,,1,10,10\n", 3, 9, "salience -1"},
		{"saliences sum over 100", "n,d,2,2,\nActor,Description,Power,P1,S1,P2,S2\na,,1,10,60,20,50\nb,,1,1,1,1,1\n", 3, 15, "saliences of a sum to 110, over 100"},
		{"negative power", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,10,10\nb,,-3,10,10\n", 4, 4, "negative power -3"},
		{"fewer than two actors", "n,d,1,1,\nActor,Description,Power,P1,S1\na,,1,10,10\n", 1, 5, "at least two actors"},
		{"fewer lines than numActors", "n,d,3,1,\nActor,Description,Power,P1,S1\na,,1,10,10\nb,,1,10,10\n", 1, 5, "has 2 actor line(s)"},
		{"not a number", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,ten,10\nb,,1,10,10\n", 3, 6, `P1 "ten" is not a number`},
		{"NaN", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,NaN,1,10\nb,,1,10,10\n", 3, 4, "not a number"},
		{"position outside", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,101,10\nb,,1,10,10\n", 3, 6, "position 101"},
		{"numActors not a number", "n,d,x,1,\n", 1, 5, "numActors"},
		{"extra column", "n,d,2,1,\nActor,Description,Power,P1,S1\na,,1,10,10,7\nb,,1,10,10\n", 3, 12, "unexpected column 6"},
		{"more actors than numActors", good + "c,,1,1,1\n", 5, 1, "more actor lines"},
		{"bad quote", "n,\"d,2,1,\n", 1, 11, "quoted-field"},
		{"empty", "", 1, 1, "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tc.csv))
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a *CSVError", err, err)
			}
			if ce.Line != tc.line || ce.Column != tc.col || !strings.Contains(ce.Msg, tc.msg) {
				t.Errorf("got %v; want line %d, column %d, %q", err, tc.line, tc.col, tc.msg)
			}
		})
	}
}

func TestReadCSVGood(t *testing.T) {
	in, err := ReadCSV(strings.NewReader(good + "\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
}

// FuzzReadCSV checks that the reader never panics, that what it accepts is
// a valid Input, and that every model runs on it.
func FuzzReadCSV(f *testing.F) {
	f.Add(good)
	for _, name := range []string{"dummyData_3Dim.csv", "ec-emissions.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("n,d,2,1,\nActor,Description,Power,P1,S1\na,,0,10,0\nb,,0,10,0\n")
	f.Fuzz(func(t *testing.T, s string) {
		in, err := ReadCSV(strings.NewReader(s))
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CSVError", err)
			}
			return
		}
		if err := in.Validate(); err != nil {
			t.Fatalf("accepted an invalid input: %v", err)
		}
		if len(in.Actors) > 12 || len(in.Dimensions) > 4 {
			return // keep each run short
		}
		if _, err := Compromise(in); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{EUTable, EUText} {
			if _, _, err := EU(in, EUOptions{Rounds: 3, Variant: v, Workers: 1}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := SMP(in, SMPOptions{Turns: 3, Workers: 1}); err != nil {
			t.Fatal(err)
		}
	})
}
