module example.com/hbdep

go 1.22
