package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/sqlite"
)

// A path holding ?, # or % names the file it says: "mission#2/accord.db"
// opened "mission" before (the rest read as a URI's fragment), so two
// missions' data directories could share one database.
func TestOpenPathWithURICharacters(t *testing.T) {
	base := t.TempDir()
	for _, name := range []string{"mission#2", "what?", "100%25", "a b"} {
		dir := filepath.Join(base, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.Open(context.Background(), filepath.Join(dir, "accord.db"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		db.Close()
		if _, err := os.Stat(filepath.Join(dir, "accord.db")); err != nil {
			t.Errorf("%s: the database is not where its path says: %v", name, err)
		}
	}
	if es, _ := os.ReadDir(base); len(es) != 4 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("the base folder holds %v, want the four folders only", names)
	}
}
