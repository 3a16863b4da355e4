// Package flock holds a file locked against other processes (and other
// open files of this one) without waiting: a data directory serves one
// deployment, a witness's directory one witness.
package flock
