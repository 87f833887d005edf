package main

import (
	"bytes"
	"os"
	"sort"
	"strconv"
)

// The driver observing itself: the count_fds and zombies ops.

// countDescriptors counts the entries of /proc/self/fd, less the one the listing opened.
func countDescriptors() (int, error) {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	return len(entries) - 1, nil
}

// zombieChildren lists the pids of this process's children in state Z, ascending.
func zombieChildren() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	me := []byte(strconv.Itoa(os.Getpid()))
	zombies := []int{}
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + entry.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so split after the last ')'.
		fields := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
		if len(fields) >= 2 && string(fields[0]) == "Z" && bytes.Equal(fields[1], me) {
			zombies = append(zombies, pid)
		}
	}
	sort.Ints(zombies)
	return zombies, nil
}
