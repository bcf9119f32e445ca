module example.com/leakd

go 1.19
