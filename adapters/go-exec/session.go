package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
)

// session answers the requests of one run: the process objects, by handle.
type session struct {
	self      string
	features  map[string]bool
	processes map[string]*processObject
	shutdown  bool
}

// The optional feature each op needs; the other ops are base ops.
var opFeatures = map[string]string{
	"terminate": "terminate", "kill": "kill", "close": "close", "drop": "drop",
	"set_daemon": "daemon", "daemon": "daemon", "name": "name", "set_global": "globals",
	"get_global": "globals", "count_fds": "count_fds", "zombies": "zombies",
	"join_threads": "join_threads", "getpid": "getpid",
}

func newSession(self string) *session {
	declared := map[string]bool{}
	for _, feature := range features {
		declared[feature] = true
	}
	return &session{self: self, features: declared, processes: map[string]*processObject{}}
}

type request map[string]json.RawMessage

func (s *session) answer(line []byte) map[string]interface{} {
	var fields request
	if err := json.Unmarshal(line, &fields); err != nil || fields == nil {
		return errorReply(nil, &protocolError{"bad_request", fmt.Sprintf("request is not a JSON object: %s", line)})
	}
	var id interface{}
	json.Unmarshal(fields["id"], &id)
	value, err := s.handle(fields)
	if err != nil {
		return errorReply(id, err)
	}
	reply := map[string]interface{}{"id": id, "ok": true}
	if value != nil {
		reply["value"] = value
	}
	return reply
}

func errorReply(id interface{}, err error) map[string]interface{} {
	reply := implementationError(err).(*protocolError)
	return map[string]interface{}{"id": id, "ok": false,
		"error": map[string]interface{}{"kind": reply.kind, "message": reply.message}}
}

// noValue marks an operation that returns nothing, distinct from a null value.
type noValue struct{}

// handle runs one request. A panic of an os/exec or os call (a method called on the nil
// Cmd.Process before Start) becomes an internal error naming it, as it is Go's behaviour.
func (s *session) handle(fields request) (value interface{}, err error) {
	defer func() {
		if problem := recover(); problem != nil {
			value, err = nil, &protocolError{"internal", fmt.Sprintf("panic: %v", problem)}
		}
	}()
	op, err := fields.text("op")
	if err != nil {
		return nil, err
	}
	if feature, optional := opFeatures[op]; optional && !s.features[feature] {
		return nil, &protocolError{"unsupported", fmt.Sprintf("op '%s' needs feature '%s', which this driver does not support", op, feature)}
	}
	switch op {
	case "create":
		return nil, s.create(fields)
	case "print":
		return nil, printText(fields)
	case "trace":
		event, err := fields.text("event")
		if err == nil {
			writeTrace("parent", event, nil)
		}
		return nil, err
	case "shutdown":
		s.shutdown = true
		return nil, nil
	case "set_global":
		name, err := fields.text("name")
		if err == nil {
			if globals[name] = fields["value"]; fields["value"] == nil {
				delete(globals, name)
				err = requestError("request lacks 'value'")
			}
		}
		return nil, err
	case "get_global":
		name, err := fields.text("name")
		return globalValue(name), err
	case "count_fds":
		return countDescriptors()
	case "zombies":
		return zombieChildren()
	case "getpid":
		return os.Getpid(), nil
	}
	process, err := s.find(fields)
	if err != nil {
		return nil, err
	}
	switch op {
	case "start":
		return nil, process.start()
	case "join":
		if _, timed := fields["timeout"]; timed {
			return nil, &protocolError{"unsupported", "join with a timeout needs feature 'join_timeout': Cmd.Wait has no timeout"}
		}
		return nil, process.join()
	case "is_alive":
		return process.isAlive()
	case "exitcode":
		return exitCodeValue(process.exitcode()), nil
	case "pid":
		if pid := process.pid(); pid != nil {
			return *pid, nil
		}
		return nil, nil
	case "terminate":
		return nil, process.terminate()
	case "kill":
		return nil, process.kill()
	case "drop":
		// What letting go of a *exec.Cmd does in Go: nothing until the garbage collector
		// frees it (os.Process's finalizer only forgets the pid on Unix).
		handle, _ := fields.text("process")
		delete(s.processes, handle)
		return nil, nil
	case "join_threads":
		return joinThreads(process, fields)
	}
	return nil, requestError("unknown op '%s'", op)
}

func (s *session) create(fields request) error {
	handle, err := fields.text("process")
	if err != nil {
		return err
	}
	if !namePattern.MatchString(handle) {
		return requestError("'process' must match [A-Za-z0-9_.-]{1,64}")
	}
	if _, exists := s.processes[handle]; exists {
		return requestError("process '%s' exists already", handle)
	}
	if _, present := fields["script"]; !present {
		return requestError("request lacks 'script'")
	}
	if _, err := validateScript(fields["script"], s.features, ""); err != nil {
		return err
	}
	args := []json.RawMessage{}
	if raw, present := fields["args"]; present {
		if json.Unmarshal(raw, &args) != nil || args == nil {
			return requestError("'args' must be a JSON array")
		}
	}
	for _, unsupported := range []string{"daemon", "name"} {
		if _, present := fields[unsupported]; present {
			return &protocolError{"unsupported", fmt.Sprintf("create with '%s' needs feature '%s', which this driver does not support", unsupported, unsupported)}
		}
	}
	process, err := newProcess(s.self, handle, fields["script"], args)
	if err != nil {
		return err
	}
	s.processes[handle] = process
	return nil
}

func (s *session) find(fields request) (*processObject, error) {
	handle, err := fields.text("process")
	if err != nil {
		return nil, err
	}
	process, known := s.processes[handle]
	if !known {
		return nil, requestError("unknown process '%s'", handle)
	}
	return process, nil
}

func (fields request) text(name string) (string, error) {
	raw, present := fields[name]
	if !present {
		return "", requestError("request lacks '%s'", name)
	}
	var value string
	if json.Unmarshal(raw, &value) != nil {
		return "", requestError("'%s' must be a string", name)
	}
	return value, nil
}

// printText prints through Go's normal output, fmt.Println on os.Stdout (unbuffered).
func printText(fields request) error {
	text, err := fields.text("text")
	if err != nil {
		return err
	}
	stream := "stdout"
	if _, present := fields["stream"]; present {
		if stream, err = fields.text("stream"); err != nil {
			return err
		}
	}
	switch stream {
	case "stdout":
		fmt.Println(text)
	case "stderr":
		fmt.Fprintln(os.Stderr, text)
	default:
		return requestError("'stream' must be \"stdout\" or \"stderr\"")
	}
	return nil
}

// joinThreads calls Cmd.Wait from `threads` goroutines released together, each then reading
// the exit code. os/exec does not say that Cmd is safe for concurrent use; this is what
// happens when code does it.
func joinThreads(process *processObject, fields request) (interface{}, error) {
	count, err := strconv.Atoi(string(fields["threads"]))
	if err != nil || count < 1 || count > 64 {
		return nil, requestError("'threads' must be an integer in 1..64")
	}
	codes := make([]interface{}, count)
	errs := make([]error, count)
	release := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(count)
	done.Add(count)
	for index := 0; index < count; index++ {
		go func(index int) {
			defer done.Done()
			defer func() {
				if problem := recover(); problem != nil {
					errs[index] = &protocolError{"internal", fmt.Sprintf("panic: %v", problem)}
				}
			}()
			ready.Done()
			<-release // every goroutine calls Wait at about once
			if errs[index] = process.join(); errs[index] == nil {
				codes[index] = exitCodeValue(process.exitcode())
			}
		}(index)
	}
	ready.Wait()
	close(release)
	done.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return codes, nil
}
