package racy

// Closure shares a captured local: the goroutine's closure and its
// creator both update count.
func Closure() int {
	count := 0
	start, done := make(chan struct{}), make(chan struct{})
	go func() {
		<-start
		for j := 0; j < n; j++ {
			count += 2 // race:Closure
		}
		close(done)
	}()
	close(start)
	for j := 0; j < n; j++ {
		count++ // race:Closure
	}
	<-done
	return count
}

// ClosureSafe gives the goroutine its own variable and joins the results
// after the channel receive, which orders them.
func ClosureSafe() int {
	count := 0
	start, done := make(chan struct{}), make(chan int)
	go func() {
		<-start
		mine := 0
		for j := 0; j < n; j++ {
			mine += 2
		}
		done <- mine
	}()
	close(start)
	for j := 0; j < n; j++ {
		count++
	}
	count += <-done
	return count
}
