package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is an `accord serve` child process on loopback.
type server struct {
	cmd  *exec.Cmd
	url  string
	data string
	done chan error
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// start runs the server on a data directory and waits until it serves; it
// returns how long that took (the restore, at a restart).
func start(bin, data string, extra ...string) (*server, time.Duration, error) {
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--scenario", "none"}, extra...)
	cmd := exec.Command(bin, args...)
	logf, err := os.OpenFile(data+".log", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, err
	}
	cmd.Stderr = logf
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &server{cmd: cmd, data: data, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" {
				select {
				case found <- u:
				default:
				}
			}
		}
		io.Copy(io.Discard, out)
	}()
	go func() { s.done <- cmd.Wait(); logf.Close() }()
	select {
	case s.url = <-found:
		return s, time.Since(t0), nil
	case err := <-s.done:
		b, _ := os.ReadFile(data + ".log")
		return nil, 0, fmt.Errorf("the server exited before serving (%v): %s", err, tail(b))
	case <-time.After(10 * time.Minute):
		cmd.Process.Kill()
		return nil, 0, fmt.Errorf("the server did not serve within 10 minutes")
	}
}

// kill ends the server with SIGKILL, as a power cut would.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop ends the server with SIGTERM (SIGKILL after 30 s).
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.kill()
	}
}

// alive reports whether the process still runs.
func (s *server) alive() bool {
	select {
	case err := <-s.done:
		s.done <- err
		return false
	default:
		return true
	}
}

// memKiB reads a memory figure of the process (VmRSS, VmHWM) in KiB.
func (s *server) memKiB(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return -1
}

func tail(b []byte) string {
	if len(b) > 600 {
		b = b[len(b)-600:]
	}
	return strings.TrimSpace(string(b))
}
