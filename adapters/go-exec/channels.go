// The two side channels of spec/protocol.md that parent and children share: the trace FIFO
// (one JSON line per event, one write(2) each) and the gate FIFOs (one byte per waiter).
// They use raw system calls rather than os.File: os.File puts a FIFO in non-blocking mode
// under Go's poller, and the protocol wants exactly one blocking write per event.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// writeTrace writes one trace event {"from": from, "event": event, ...fields}.
func writeTrace(from, event string, fields map[string]interface{}) error {
	record := map[string]interface{}{"from": from, "event": event}
	for key, value := range fields {
		record[key] = value
	}
	line, err := marshalLine(record)
	if err != nil {
		return err
	}
	path := os.Getenv("STARTJOIN_TRACE")
	if path == "" {
		return fmt.Errorf("STARTJOIN_TRACE is not set")
	}
	fd, err := retryOnEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	// A whole line in one write: lines up to PIPE_BUF (4096) bytes are atomic on a pipe.
	written, err := retryOnEINTR(func() (int, error) { return syscall.Write(fd, line) })
	if err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	if written != len(line) {
		return fmt.Errorf("trace: short write of %d of %d bytes", written, len(line))
	}
	return nil
}

// waitGate blocks until the runner releases one waiter of gate `name`.
func waitGate(name string) error {
	path := filepath.Join(os.Getenv("STARTJOIN_GATES"), name)
	fd, err := retryOnEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	one := make([]byte, 1)
	read, err := retryOnEINTR(func() (int, error) { return syscall.Read(fd, one) })
	if err != nil {
		return &os.PathError{Op: "read", Path: path, Err: err}
	}
	if read != 1 {
		return fmt.Errorf("gate %s: closed before it was released", name)
	}
	return nil
}

// marshalLine encodes one protocol line: JSON without HTML escaping, ending in "\n".
func marshalLine(value interface{}) ([]byte, error) {
	var buffer bytes.Buffer
	encoder := json.NewEncoder(&buffer)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil { // Encode appends the "\n"
		return nil, err
	}
	return buffer.Bytes(), nil
}

// retryOnEINTR repeats a raw system call that a signal interrupted: the syscall package,
// unlike os, does not.
func retryOnEINTR(call func() (int, error)) (int, error) {
	for {
		result, err := call()
		if err != syscall.EINTR {
			return result, err
		}
	}
}
