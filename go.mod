module github.com/gocsan/gocsan

go 1.24.0
