// The process object: an *exec.Cmd, and each protocol op as the os/exec call that a Go user
// makes for it. Nothing here adds state or checks of its own: what os/exec does is what the
// suite sees.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

type process struct {
	cmd *exec.Cmd
}

// newProcess builds the Cmd whose child runs `script` (its JSON) with `args`; nothing runs yet.
// Each argument travels as one argv entry holding its JSON text, so that its type survives
// argv, which carries only strings.
func newProcess(handle string, script interface{}, args []interface{}) (*process, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	scriptText, err := json.Marshal(script)
	if err != nil {
		return nil, err
	}
	argv := []string{childMode, handle, string(scriptText)}
	for _, argument := range args {
		text, err := json.Marshal(argument)
		if err != nil {
			return nil, err
		}
		argv = append(argv, string(text))
	}
	cmd := exec.Command(self, argv...)
	// os/exec connects a nil Stdout/Stderr to /dev/null; the documented way to let the child
	// print on the parent's console is to hand it the parent's files (passed as they are, with
	// no copying goroutine).
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return &process{cmd: cmd}, nil
}

func (p *process) start() error { return classify(p.cmd.Start()) }

// join is Cmd.Wait(). An *exec.ExitError only says the child did not exit with 0: for join()
// that is a success.
func (p *process) join() error {
	err := p.cmd.Wait()
	var exitError *exec.ExitError
	if asExitError(err, &exitError) {
		return nil
	}
	return classify(err)
}

func asExitError(err error, target **exec.ExitError) bool {
	exitError, ok := err.(*exec.ExitError)
	*target = exitError
	return ok
}

// isAlive: os/exec knows of the child's end only through Wait(), which sets ProcessState
// ("available after a call to Wait or Run"); it has no non-blocking wait.
func (p *process) isAlive() bool {
	return p.cmd.Process != nil && p.cmd.ProcessState == nil
}

// exitcode is ProcessState.ExitCode(), which is -1 for a death by signal: the raw wait status
// gives the signal, which the spec writes -S.
func (p *process) exitcode() interface{} {
	state := p.cmd.ProcessState
	if state == nil {
		return nil
	}
	code := state.ExitCode()
	if status, ok := state.Sys().(syscall.WaitStatus); ok && code == -1 && status.Signaled() {
		return -int(status.Signal())
	}
	return code
}

func (p *process) pid() interface{} {
	if p.cmd.Process == nil {
		return nil
	}
	return p.cmd.Process.Pid
}

// terminate and kill call Process.Signal / Process.Kill as user code does, on the Process that
// Start() set; before Start() that is a nil *os.Process.
func (p *process) terminate() error {
	return recovering(func() error { return p.cmd.Process.Signal(syscall.SIGTERM) })
}

func (p *process) kill() error {
	return recovering(func() error { return p.cmd.Process.Kill() })
}

// joinThreads calls join() from `count` goroutines released together, then exitcode() in
// each; the first failure by index is the answer.
func (p *process) joinThreads(count int) (interface{}, error) {
	codes := make([]interface{}, count)
	failures := make([]error, count)
	release := make(chan struct{})
	var ready, done sync.WaitGroup
	ready.Add(count)
	done.Add(count)
	for index := 0; index < count; index++ {
		go func(index int) {
			defer done.Done()
			ready.Done()
			<-release
			failures[index] = recovering(p.join)
			if failures[index] == nil {
				codes[index] = p.exitcode()
			}
		}(index)
	}
	ready.Wait()
	close(release)
	done.Wait()
	for _, failure := range failures {
		if failure != nil {
			return nil, failure
		}
	}
	return codes, nil
}

// recovering runs a call that may panic (a method on a nil *os.Process) and reports the panic
// as an internal error: it is Go's answer, not a refusal with a state.
func recovering(call func() error) (err error) {
	defer func() {
		if panicked := recover(); panicked != nil {
			err = protocolError("internal", fmt.Sprintf("panic: %v", panicked))
		}
	}()
	return classify(call())
}
