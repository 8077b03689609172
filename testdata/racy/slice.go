package racy

import "sync"

// Append appends to one slice from two goroutines.
func Append() []int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	var s []int
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			s = append(s, j) // race:Append
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		s = append(s, -j) // race:Append
	}
	wg.Wait()
	return s
}

// AppendSafe holds a mutex around each append.
func AppendSafe() []int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	var s []int
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			mu.Lock()
			s = append(s, j)
			mu.Unlock()
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		mu.Lock()
		s = append(s, -j)
		mu.Unlock()
	}
	wg.Wait()
	return s
}

// SliceElem writes one element of a shared slice from two goroutines.
func SliceElem() []int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	s := make([]int, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			s[2] = j // race:SliceElem
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		s[2] += j // race:SliceElem
	}
	wg.Wait()
	return s
}

// SliceElemSafe has each goroutine write its own element.
func SliceElemSafe() []int {
	var wg sync.WaitGroup
	start := make(chan struct{})
	s := make([]int, 4)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		for j := 0; j < n; j++ {
			s[2] = j
		}
	}()
	close(start)
	for j := 0; j < n; j++ {
		s[3] += j
	}
	wg.Wait()
	return s
}
