module example.com/hb

go 1.22

require example.com/hbdep v0.0.0

replace example.com/hbdep => ../hbdep
