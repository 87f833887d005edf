package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"syscall"
)

// The driver's side of spec/protocol.md: handshake, then one reply per request on fd 4.

const (
	requestFD = 3
	replyFD   = 4
)

// The features os/exec can back for real. Not declared: join_timeout (Cmd.Wait has no
// timeout), close (a Cmd holds nothing to release), daemon and name (a Cmd has neither).
var features = []string{"terminate", "kill", "drop", "globals", "nest", "orphan", "exec",
	"count_fds", "zombies", "join_threads", "getpid"}

func serve() {
	// os/exec's children inherit every descriptor that is not close-on-exec (syscall.forkExec
	// only sets up Cmd's stdin, stdout, stderr and ExtraFiles), and the runner's fds 3 and 4
	// belong to the driver alone.
	syscall.CloseOnExec(requestFD)
	syscall.CloseOnExec(replyFD)
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "startjoin-driver-go-exec: %v\n", err)
		os.Exit(1)
	}
	session := newSession(self)
	send(map[string]interface{}{
		"hello": "startjoin", "protocol": 1, "implementation": "go-os-exec",
		"version": runtime.Version(), "profile": "process", "features": features,
	})
	requests := bufio.NewReader(os.NewFile(requestFD, "requests"))
	for !session.shutdown {
		line, err := requests.ReadBytes('\n')
		if err != nil {
			break // end of file: the runner is gone; end as for shutdown
		}
		send(session.answer(line))
	}
	// main returns: the program ends the way a Go program ends. os/exec neither waits for
	// nor kills children still running.
}

func send(message interface{}) {
	line, err := json.Marshal(message)
	if err != nil {
		panic(err)
	}
	if err := writeAll(replyFD, append(line, '\n')); err != nil {
		os.Exit(1) // the runner is gone
	}
}
