// Child mode: the program every os/exec child runs. It interprets the target script it got in
// argv and ends the way a Go program ends:
//
//   - the script returns: main returns, exit status 0;
//   - `exit N`: os.Exit(N);
//   - `raise`: a panic that nothing recovers; the Go runtime prints "panic: MESSAGE" and a
//     goroutine dump on stderr and exits with status 2 (runtime/panic.go, fatalpanic). os/exec
//     launches programs and adds no wrapper that would turn this into 1.
//
// Go's os.Stdout and os.Stderr are unbuffered, so there is nothing to flush at any end.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func runChild(argv []string) {
	if len(argv) < 2 {
		fmt.Fprintln(os.Stderr, "startjoin child: expected HANDLE SCRIPT ARG...")
		os.Exit(2)
	}
	handle := argv[0]
	var wire interface{}
	steps, err := decode(argv[1], &wire)
	if err == nil {
		steps, err = validateScript(wire)
	}
	args := make([]interface{}, 0, len(argv)-2)
	for _, text := range argv[2:] {
		var argument interface{}
		if _, decodeErr := decode(text, &argument); decodeErr != nil && err == nil {
			err = decodeErr
		}
		args = append(args, argument)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "startjoin child: malformed arguments:", err)
		os.Exit(2)
	}
	// Deliberately no recover(): an uncaught error is Go's own (see above).
	for _, s := range steps {
		must(runStep(handle, s, args))
	}
}

func decode(text string, into *interface{}) ([]step, error) {
	decoder := json.NewDecoder(strings.NewReader(text))
	decoder.UseNumber()
	return nil, decoder.Decode(into)
}

// must makes a failure of the driver's own plumbing (a trace write, a gate) an uncaught error.
func must(err error) {
	if err != nil {
		panic(err)
	}
}

// sink keeps the busy loop's work observable, so the compiler cannot drop the loop.
var sink uint64

func runStep(handle string, s step, args []interface{}) error {
	switch s.Kind {
	case "print":
		fmt.Println(s.Text)
	case "eprint":
		fmt.Fprintln(os.Stderr, s.Text)
	case "trace":
		return writeTrace(handle, s.Text, nil)
	case "wait":
		return waitGate(s.Gate)
	case "sleep":
		time.Sleep(time.Duration(s.Seconds * float64(time.Second)))
	case "exit":
		os.Exit(s.Number)
	case "raise":
		panic(errors.New(s.Text))
	case "signal":
		return syscall.Kill(os.Getpid(), syscall.Signal(s.Number))
	case "report_args":
		return writeTrace(handle, "args", map[string]interface{}{"args": args})
	case "report_pid":
		return writeTrace(handle, "pid",
			map[string]interface{}{"pid": os.Getpid(), "ppid": os.Getppid()})
	case "hang":
		for { // pause(2) returns after each handled signal that did not end the program
			syscall.Pause()
		}
	case "busy":
		for i := uint64(0); ; i++ {
			atomic.AddUint64(&sink, i)
		}
	case "set_global":
		setGlobal(s.Name, s.Value)
	case "report_global":
		return writeTrace(handle, "global",
			map[string]interface{}{"name": s.Name, "value": getGlobal(s.Name)})
	case "nest":
		return nest(handle, s)
	case "orphan":
		return orphan(handle, s.Gate)
	case "exec":
		// Nothing to flush: os.Stdout and os.Stderr are unbuffered.
		err := syscall.Exec("/bin/sh", []string{"/bin/sh", "-c", s.Text}, os.Environ())
		panic(fmt.Errorf("exec /bin/sh: %w", err))
	}
	return nil
}

// nest starts and joins a child of the same implementation (os/exec); its errors are
// uncaught errors of this child.
func nest(handle string, s step) error {
	child, err := newProcess(s.Name, stepsToWire(s.Script), s.Args)
	must(err)
	must(child.start())
	must(child.join())
	return writeTrace(handle, "nested-exit",
		map[string]interface{}{"process": s.Name, "exitcode": child.exitcode()})
}

// orphan starts a descendant outside os/exec (syscall.ForkExec, Go's plain fork) that keeps
// this child's descriptors 0, 1 and 2 (every descriptor it has that is not close-on-exec),
// waits on the gate, then exits 0. Nobody waits for it here.
func orphan(handle, gate string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	pid, err := syscall.ForkExec(self, []string{self, orphanMode, gate},
		&syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}})
	if err != nil {
		return err
	}
	return writeTrace(handle, "orphan", map[string]interface{}{"pid": pid})
}

func runOrphan(argv []string) {
	if len(argv) != 1 || waitGate(argv[0]) != nil {
		os.Exit(2)
	}
	os.Exit(0)
}

// stepsToWire turns parsed steps back into the protocol's JSON for a nested child's argv.
func stepsToWire(steps []step) []interface{} {
	wire := make([]interface{}, 0, len(steps))
	for _, s := range steps {
		object := map[string]interface{}{"step": s.Kind}
		switch s.Kind {
		case "print", "eprint":
			object["text"] = s.Text
		case "trace":
			object["event"] = s.Text
		case "raise":
			object["message"] = s.Text
		case "exec":
			object["command"] = s.Text
		case "wait", "orphan":
			object["gate"] = s.Gate
		case "sleep":
			object["seconds"] = s.Seconds
		case "exit":
			object["code"] = s.Number
		case "signal":
			object["signal"] = s.Number
		case "set_global":
			object["name"], object["value"] = s.Name, s.Value
		case "report_global":
			object["name"] = s.Name
		case "nest":
			object["process"], object["script"], object["args"] = s.Name, stepsToWire(s.Script), s.Args
		}
		wire = append(wire, object)
	}
	return wire
}
