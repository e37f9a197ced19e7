-- A file whose top-level code runs out of memory and catches it does not load.
pcall(string.rep, "x", 100000000)
return { id = "never-loaded", severity = "warning", check = function() end }
