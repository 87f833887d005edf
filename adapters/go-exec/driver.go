// The driver side of spec/protocol.md: the handshake on fd 4, then one reply per request read
// from fd 3, until shutdown or end of file.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"syscall"
)

// The optional features os/exec can express (README.md says why the others are missing).
var features = []string{"terminate", "kill", "drop", "globals", "nest", "orphan", "exec",
	"count_fds", "zombies", "join_threads", "getpid"}

// The feature each op needs; ops not listed are base ops.
var opFeatures = map[string]string{
	"terminate": "terminate", "kill": "kill", "close": "close", "drop": "drop",
	"set_daemon": "daemon", "daemon": "daemon", "name": "name", "set_global": "globals",
	"get_global": "globals", "count_fds": "count_fds", "zombies": "zombies",
	"join_threads": "join_threads", "getpid": "getpid",
}

func declared(feature string) bool {
	for _, each := range features {
		if each == feature {
			return true
		}
	}
	return false
}

type request map[string]interface{}

type session struct {
	objects  map[string]*process
	shutdown bool
}

func serve() {
	// Go opens its own files close-on-exec, but fds 3 and 4 come from the runner without the
	// flag; children must not inherit them.
	syscall.CloseOnExec(3)
	syscall.CloseOnExec(4)
	requests := bufio.NewReader(os.NewFile(3, "requests"))
	replies := os.NewFile(4, "replies")
	send(replies, map[string]interface{}{
		"hello": "startjoin", "protocol": 1, "implementation": "go-os-exec",
		"version": strings.TrimPrefix(runtime.Version(), "go"), "profile": "process",
		"features": features,
	})
	current := &session{objects: map[string]*process{}}
	for !current.shutdown {
		line, err := requests.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			send(replies, current.answer(line))
		}
		if err == io.EOF {
			break // the runner is gone: end as for shutdown
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "startjoin-driver-go-exec: reading requests:", err)
			os.Exit(1)
		}
	}
	// The program ends as a Go program's main does: os/exec does nothing at exit.
}

func send(replies *os.File, reply interface{}) {
	line, err := marshalLine(reply)
	if err == nil {
		_, err = replies.Write(line)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "startjoin-driver-go-exec: writing a reply:", err)
		os.Exit(1)
	}
}

func (s *session) answer(line []byte) map[string]interface{} {
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.UseNumber() // integers keep their exact text
	var r request
	if err := decoder.Decode(&r); err != nil {
		return errorReply(nil, protocolError("bad_request", "request is not a JSON object: "+err.Error()))
	}
	value, err := s.run(r)
	if err != nil {
		return errorReply(r["id"], err)
	}
	reply := map[string]interface{}{"id": r["id"], "ok": true}
	if value != nil {
		reply["value"] = value
	}
	return reply
}

func errorReply(id interface{}, err error) map[string]interface{} {
	kind, message := "internal", err.Error()
	if known, ok := err.(*opError); ok {
		kind = known.kind
	}
	return map[string]interface{}{"id": id, "ok": false,
		"error": map[string]interface{}{"kind": kind, "message": message}}
}

func (r request) text(field string) (string, error) {
	value, ok := r[field].(string)
	if !ok {
		return "", protocolError("bad_request", "'"+field+"' must be a string")
	}
	return value, nil
}

func (s *session) run(r request) (interface{}, error) {
	op, err := r.text("op")
	if err != nil {
		return nil, err
	}
	if feature, optional := opFeatures[op]; optional && !declared(feature) {
		return nil, protocolError("unsupported",
			op+" needs feature '"+feature+"', which os/exec does not have")
	}
	switch op {
	case "create":
		return nil, s.create(r)
	case "print":
		return nil, printLine(r)
	case "trace":
		event, err := r.text("event")
		if err != nil {
			return nil, err
		}
		return nil, classify(writeTrace("parent", event, nil))
	case "shutdown":
		s.shutdown = true
		return nil, nil
	case "set_global":
		name, err := r.text("name")
		if err == nil {
			setGlobal(name, r["value"])
		}
		return nil, err
	case "get_global":
		name, err := r.text("name")
		return getGlobal(name), err
	case "count_fds":
		count, err := countOpenFds()
		return count, classify(err)
	case "zombies":
		zombies, err := zombieChildren()
		return zombies, classify(err)
	case "getpid":
		return os.Getpid(), nil
	}
	handle, err := r.text("process")
	if err != nil {
		return nil, err
	}
	object, known := s.objects[handle]
	if !known {
		return nil, protocolError("bad_request", "unknown process '"+handle+"'")
	}
	switch op {
	case "start":
		return nil, object.start()
	case "join":
		if _, timed := r["timeout"]; timed {
			return nil, protocolError("unsupported",
				"join with a timeout: os/exec has no timed wait (README.md)")
		}
		return nil, object.join()
	case "is_alive":
		return object.isAlive(), nil
	case "exitcode":
		return object.exitcode(), nil
	case "pid":
		return object.pid(), nil
	case "terminate":
		return nil, object.terminate()
	case "kill":
		return nil, object.kill()
	case "drop":
		// The program lets go of its *exec.Cmd; os/exec does nothing when one becomes garbage.
		delete(s.objects, handle)
		return nil, nil
	case "join_threads":
		threads, err := r["threads"].(json.Number).Int64()
		if err != nil || threads < 1 || threads > 64 {
			return nil, protocolError("bad_request", "'threads' must be an integer in 1..64")
		}
		return object.joinThreads(int(threads))
	}
	return nil, protocolError("bad_request", "unknown op '"+op+"'")
}

func (s *session) create(r request) error {
	handle, err := r.text("process")
	if err != nil {
		return err
	}
	if _, exists := s.objects[handle]; exists {
		return protocolError("bad_request", "process '"+handle+"' exists already")
	}
	for _, field := range []string{"daemon", "name"} {
		if _, present := r[field]; present {
			return protocolError("unsupported", "create with '"+field+"': os/exec has no such setting")
		}
	}
	if _, err := validateScript(r["script"]); err != nil {
		return err
	}
	args, ok := r["args"].([]interface{})
	if _, present := r["args"]; !present {
		args, ok = []interface{}{}, true
	}
	if !ok {
		return protocolError("bad_request", "'args' must be a JSON array")
	}
	object, err := newProcess(handle, r["script"], args)
	if err != nil {
		return classify(err)
	}
	s.objects[handle] = object
	return nil
}

// printLine prints as user code does: Go's os.Stdout and os.Stderr are unbuffered.
func printLine(r request) error {
	text, err := r.text("text")
	if err != nil {
		return err
	}
	stream := os.Stdout
	if name, present := r["stream"]; present {
		switch name {
		case "stdout":
		case "stderr":
			stream = os.Stderr
		default:
			return protocolError("bad_request", `'stream' must be "stdout" or "stderr"`)
		}
	}
	fmt.Fprintln(stream, text)
	return nil
}
