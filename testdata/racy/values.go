package racy

import "sync"

// Interface stores into a shared interface variable (two words: type and
// data) while another goroutine reads it.
func Interface() int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var v any = 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			v = names[j%len(names)] // race:Interface
		}
	}()
	close(start)
	count := 0
	for j := 0; j < n; j++ {
		if _, ok := v.(string); ok { // race:Interface
			count++
		}
	}
	wg.Wait()
	return count
}

// InterfaceSafe gives each side its own variable.
func InterfaceSafe() int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var v, w any = 0, "x"
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			v = names[j%len(names)]
		}
	}()
	close(start)
	count := 0
	for j := 0; j < n; j++ {
		if _, ok := w.(string); ok {
			count++
		}
	}
	wg.Wait()
	sink = v
	return count
}

// String writes a shared string (pointer and length) while another
// goroutine reads its length.
func String() int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	s := ""
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			s = names[j%len(names)] // race:String
		}
	}()
	close(start)
	total := 0
	for j := 0; j < n; j++ {
		total += len(s) // race:String
	}
	wg.Wait()
	return total
}

// StringSafe reads the string only after the writer is done.
func StringSafe() int {
	var wg sync.WaitGroup
	s := ""
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < n; j++ {
			s = names[j%len(names)]
		}
	}()
	wg.Wait()
	total := 0
	for j := 0; j < n; j++ {
		total += len(s)
	}
	return total
}
