// The ops that look at the driver process itself from /proc: count_fds and zombies.
package main

import (
	"os"
	"sort"
	"strconv"
	"strings"
)

// countOpenFds counts the entries of /proc/self/fd except the descriptor that lists them.
func countOpenFds() (int, error) {
	directory, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer directory.Close()
	names, err := directory.Readdirnames(-1)
	if err != nil {
		return 0, err
	}
	own := strconv.Itoa(int(directory.Fd()))
	count := 0
	for _, name := range names {
		if name != own {
			count++
		}
	}
	return count, nil
}

// zombieChildren lists, ascending, the pids whose /proc/PID/stat says state Z with the
// driver as parent.
func zombieChildren() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	self := os.Getpid()
	zombies := []int{}
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil {
			continue // not a process
		}
		stat, err := os.ReadFile("/proc/" + entry.Name() + "/stat")
		if err != nil {
			continue // it ended meanwhile
		}
		// "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields
		// after it are counted from the last ')'.
		text := string(stat)
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		if len(fields) < 2 || fields[0] != "Z" {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil && ppid == self {
			zombies = append(zombies, pid)
		}
	}
	sort.Ints(zombies)
	return zombies, nil
}
