package racy

import (
	"strconv"
	"sync"
)

// Err reuses the enclosing function's err inside a goroutine, the
// "idiomatic err capture" pattern.
func Err() error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			_, err = strconv.Atoi("x") // race:Err
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		_, err = strconv.Atoi("1") // race:Err
	}
	wg.Wait()
	return err
}

// ErrSafe declares a new err in the goroutine.
func ErrSafe() error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			_, err := strconv.Atoi("x")
			sink = err
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		_, err = strconv.Atoi("1")
	}
	wg.Wait()
	return err
}
