// The process-wide variables of the `globals` feature: in the parent, the set_global and
// get_global ops; in a child, the set_global and report_global steps. Each process has its own
// copy because each process has its own memory.
package main

import "sync"

var globals = struct {
	sync.Mutex
	values map[string]interface{}
}{values: map[string]interface{}{}}

func setGlobal(name string, value interface{}) {
	globals.Lock()
	defer globals.Unlock()
	globals.values[name] = value
}

// getGlobal returns the variable's value, or nil (JSON null) when it was never set.
func getGlobal(name string) interface{} {
	globals.Lock()
	defer globals.Unlock()
	return globals.values[name]
}
