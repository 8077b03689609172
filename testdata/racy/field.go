package racy

import "sync"

type point struct {
	x, y int64
}

// Field updates one field of a shared struct from two goroutines.
func Field() *point {
	var wg sync.WaitGroup
	start := make(chan struct{})
	p := &point{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			p.x++ // race:Field
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		p.x = int64(j) // race:Field
	}
	wg.Wait()
	return p
}

// FieldSafe updates neighbouring fields, which share no byte: no race.
func FieldSafe() *point {
	var wg sync.WaitGroup
	start := make(chan struct{})
	p := &point{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			p.x++
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		p.y = int64(j)
	}
	wg.Wait()
	return p
}
