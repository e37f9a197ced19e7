-- Cut between characters: "x" and 2047 two-byte characters (4095 bytes),
-- not inside the 2048th.
return {
  id = "long-utf8-error",
  severity = "error",
  check = function(isms, report, options)
    error("x" .. string.rep("é", 3000))
  end,
}
