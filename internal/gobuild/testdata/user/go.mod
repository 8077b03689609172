module example.com/user

go 1.21

require example.com/plumb v0.0.0

replace example.com/plumb => ../plumb
