// Target scripts (spec/protocol.md, "Target scripts"): validated whole at create, nested
// scripts included, with messages that name the step's path and the field.
package main

import (
	"encoding/json"
	"fmt"
	"regexp"
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// The optional feature each step needs; base steps map to "".
var stepFeatures = map[string]string{
	"print": "", "eprint": "", "trace": "", "wait": "", "sleep": "", "exit": "", "raise": "",
	"signal": "", "report_args": "", "report_pid": "", "hang": "", "busy": "",
	"set_global": "globals", "report_global": "globals", "nest": "nest", "orphan": "orphan",
	"exec": "exec",
}

// step is one parsed step; which fields are set depends on Kind.
type step struct {
	Kind    string
	Text    string // print, eprint, trace (the event), raise (the message), exec (the command)
	Gate    string // wait, orphan
	Seconds float64
	Number  int    // exit code, signal number
	Name    string // set_global, report_global; nest (the process handle)
	Value   interface{}
	Script  []step
	Args    []interface{}
}

// validateScript parses a script (decoded with UseNumber) and checks that every feature it
// needs is declared.
func validateScript(wire interface{}) ([]step, error) {
	steps, ok := wire.([]interface{})
	if !ok {
		return nil, protocolError("bad_request", "script must be a JSON array of steps")
	}
	return parseSteps(steps, "")
}

func parseSteps(wire []interface{}, path string) ([]step, error) {
	steps := make([]step, 0, len(wire))
	for index, item := range wire {
		parsed, err := parseStep(item, fmt.Sprintf("%sstep %d", path, index))
		if err != nil {
			return nil, err
		}
		steps = append(steps, parsed)
	}
	return steps, nil
}

func parseStep(item interface{}, position string) (step, error) {
	object, ok := item.(map[string]interface{})
	kind, isText := object["step"].(string)
	if !ok || !isText {
		return step{}, protocolError("bad_request",
			position+": must be an object with a string 'step'")
	}
	feature, known := stepFeatures[kind]
	if !known {
		return step{}, protocolError("unsupported", position+": unknown step '"+kind+"'")
	}
	if feature != "" && !declared(feature) {
		return step{}, protocolError("unsupported",
			position+": step '"+kind+"' needs feature '"+feature+"', which this driver lacks")
	}
	f := fields{object, position + " (" + kind + ")", nil}
	s := step{Kind: kind}
	switch kind {
	case "print", "eprint":
		s.Text = f.text("text")
	case "trace":
		s.Text = f.text("event")
	case "raise":
		s.Text = f.text("message")
	case "exec":
		s.Text = f.text("command")
	case "wait", "orphan":
		s.Gate = f.name("gate")
	case "sleep":
		s.Seconds = f.seconds("seconds")
	case "exit":
		s.Number = f.integer("code", 0, 255)
	case "signal":
		s.Number = f.integer("signal", 1, 64)
	case "set_global":
		s.Name = f.text("name")
		s.Value = f.any("value")
	case "report_global":
		s.Name = f.text("name")
	case "nest":
		s.Name = f.name("process")
		nested, isArray := f.any("script").([]interface{})
		if f.err == nil && !isArray {
			f.fail("script", "must be a JSON array of steps")
		}
		if f.err == nil {
			s.Script, f.err = parseSteps(nested, f.where+" > ")
		}
		if args, present := object["args"]; present && f.err == nil {
			if s.Args, ok = args.([]interface{}); !ok {
				f.fail("args", "must be a JSON array")
			}
		}
		if s.Args == nil {
			s.Args = []interface{}{}
		}
	}
	return s, f.err
}

// fields reads the fields of one step and keeps the first problem.
type fields struct {
	object map[string]interface{}
	where  string
	err    error
}

func (f *fields) fail(field, problem string) {
	if f.err == nil {
		f.err = protocolError("bad_request", f.where+": '"+field+"' "+problem)
	}
}

func (f *fields) any(field string) interface{} {
	value, present := f.object[field]
	if !present {
		f.fail(field, "is missing")
	}
	return value
}

func (f *fields) text(field string) string {
	value, ok := f.any(field).(string)
	if !ok {
		f.fail(field, "must be a string")
	}
	return value
}

func (f *fields) name(field string) string {
	value := f.text(field)
	if !namePattern.MatchString(value) {
		f.fail(field, "must match [A-Za-z0-9_.-]{1,64}")
	}
	return value
}

func (f *fields) integer(field string, low, high int64) int {
	number, ok := f.any(field).(json.Number)
	value, err := number.Int64()
	if !ok || err != nil || value < low || value > high {
		f.fail(field, fmt.Sprintf("must be an integer in %d..%d", low, high))
	}
	return int(value)
}

func (f *fields) seconds(field string) float64 {
	number, ok := f.any(field).(json.Number)
	value, err := number.Float64()
	if !ok || err != nil || value < 0 {
		f.fail(field, "must be a number >= 0")
	}
	return value
}
