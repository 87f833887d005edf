// startjoin-driver-go-exec: a startjoin driver (spec/protocol.md, protocol 1) for Go's os/exec.
//
// os/exec launches programs, not functions, so every child is this same binary run again in
// child mode: it interprets the target script it receives in argv, in Go. The modes:
//
//	startjoin-driver-go-exec                                   the driver (fds 3 and 4)
//	startjoin-driver-go-exec --startjoin-child HANDLE SCRIPT ARG...   a child (child.go)
//	startjoin-driver-go-exec --startjoin-orphan GATE                   an orphan step's descendant
package main

import (
	"fmt"
	"os"
)

const (
	childMode  = "--startjoin-child"
	orphanMode = "--startjoin-orphan"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case childMode:
			runChild(os.Args[2:])
			return
		case orphanMode:
			runOrphan(os.Args[2:])
			return
		}
		fmt.Fprintf(os.Stderr, "startjoin-driver-go-exec: unknown arguments %q\n", os.Args[1:])
		os.Exit(2)
	}
	serve()
}
