//go:build !unix

package local

import (
	"errors"
	"os"
)

// CanWrite says whether the directory dir is one files can be made in,
// by its mode (where faccessat is not to be had: a read-only directory
// refused), without writing anything there ('accord config check').
func CanWrite(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st.Mode().Perm()&0o200 == 0 {
		return errors.New("the directory is read-only")
	}
	return nil
}
