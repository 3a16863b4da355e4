package forecast_test

import (
	"fmt"
	"strings"

	"github.com/accord-peace/accord/forecast"
)

// The compromise model and the weighted median on a KTAB CSV.
func ExampleCompromise() {
	in, err := forecast.ReadCSV(strings.NewReader(`toy,"two actors",2,1,
Actor,Description,Power,Years,Sal,
Hawk,,3,10,100,
Dove,,1,2,100,
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, err := forecast.Compromise(in)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("input: median %g, mean %g\n", fc.Median[0][0], fc.Mean[0][0])
	fmt.Printf("after %d round: everyone at %g\n", fc.Rounds, fc.Positions[1][0][0])
	// Output:
	// input: median 10, mean 8
	// after 1 round: everyone at 8
}

// A bad CSV names its line and column.
func ExampleReadCSV() {
	_, err := forecast.ReadCSV(strings.NewReader("toy,,2,1,\nActor,Description,Power,Years,Sal\nHawk,,-3,10,100\n"))
	fmt.Println(err)
	// Output:
	// line 3, column 7: negative power -3 for Hawk
}
