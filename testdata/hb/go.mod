module example.com/hb

go 1.22
