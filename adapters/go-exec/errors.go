// Protocol errors (spec/protocol.md, "Requests and replies") and how the errors os/exec and
// os return map onto their kinds.
package main

import (
	"errors"
	"os"
	"syscall"
)

type opError struct {
	kind, message string
}

func (e *opError) Error() string { return e.message }

func protocolError(kind, message string) error { return &opError{kind, message} }

// Refusals of os/exec (exec.go, Go 1.19) because of the Cmd's state. They are plain
// errors.New values, not exported variables, so only their text identifies them.
var stateRefusals = map[string]bool{
	"exec: already started":         true, // Start() a second time
	"exec: not started":             true, // Wait() before Start()
	"exec: Wait was already called": true, // Wait() a second time
}

// classify turns an error of os/exec or os into a protocol error.
func classify(err error) error {
	var known *opError
	var errno syscall.Errno
	switch {
	case err == nil:
		return nil
	case errors.As(err, &known):
		return err
	case stateRefusals[err.Error()], errors.Is(err, os.ErrProcessDone):
		// os.ErrProcessDone: Process.Signal() once the process has been waited for.
		return protocolError("invalid_state", err.Error())
	case errors.As(err, &errno):
		return protocolError("system", err.Error())
	}
	return protocolError("internal", err.Error())
}
