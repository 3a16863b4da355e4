// Command accord models a multi-party negotiation and finds the packages
// every party that holds a veto can accept. See `accord --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/scenario"
)

func main() {
	// Ctrl-C and SIGTERM cancel the context: long-running commands (serve,
	// demo) stop cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Once asked, the signals are the system's again: a second Ctrl-C
	// ends at once a command that does not stop (a search that cannot be
	// cut short, a shutdown that hangs).
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and failed (bad input, not found)
	exitUsage   = 2 // the command line itself is wrong
	// exitUnreachable: a server the command talks to did not answer
	// (refused connection, unknown host, no answer in time: a
	// *reach.Unreachable); nothing was done, and running it again later
	// may succeed (the client commands, witness --once).
	exitUnreachable = 3
	// exitInterrupted is the shell's status for a command stopped by
	// SIGINT (128 + 2), given for SIGTERM too.
	exitInterrupted = 130
)

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		// The hint names the command that was run (cobra's, whatever
		// the error says), down to its subcommand.
		path := root.CommandPath()
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "accord: %v\nRun '%s --help' for usage.\n", err, path)
		return exitUsage
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// Ctrl-C or SIGTERM: the command stopped as asked, not a bug.
		fmt.Fprintf(stderr, "accord: interrupted: %v\n", err)
		return exitInterrupted
	}
	var ur *reach.Unreachable
	if errors.As(err, &ur) {
		fmt.Fprintf(stderr, "accord: %v\n", err)
		timeoutHint(stderr, err)
		return exitUnreachable
	}
	var na *reach.NoAnswer
	if errors.As(err, &na) {
		// Sent, and no answer: the server may have done it (not a bug,
		// and not "could not be reached": running it again may do it twice).
		fmt.Fprintf(stderr, "accord: %v\n", err)
		timeoutHint(stderr, err)
		return exitFailure
	}
	var ve *scenario.ValidationError
	if errors.As(err, &ve) {
		fmt.Fprintf(stderr, "accord: invalid scenario (%d problem(s)):\n%v\n", len(ve.Problems), err)
		return exitFailure
	}
	fmt.Fprintf(stderr, "accord: %v\n", err)
	if accord.ErrorCode(err) == accord.EINTERNAL && !systemError(err) {
		fmt.Fprintln(stderr, "accord: this is a bug; please report it with the command line above")
	}
	return exitFailure
}

// timeoutHint says, when the client gave up waiting, which setting bounds
// the wait.
func timeoutHint(stderr io.Writer, err error) {
	var t *reach.Timeout
	if errors.As(err, &t) {
		fmt.Fprintf(stderr, "accord: each wait for the server is bounded by --timeout (or $ACCORD_TIMEOUT), here %v\n", t.After)
	}
}

// systemError reports whether err is the system's answer to a file
// operation (stdout on a full disk, a closed pipe, a file not writable):
// the machine's state, not a bug of accord's.
func systemError(err error) bool {
	var pe *fs.PathError
	var errno syscall.Errno
	return errors.As(err, &pe) || errors.As(err, &errno)
}
