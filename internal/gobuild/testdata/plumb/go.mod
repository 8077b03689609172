module example.com/plumb

go 1.21
