return {
  id = "odd-messages",
  severity = "warning",
  description = "Reports messages with \"quotes\", colons: commas, newlines and é.",
  check = function(isms, report)
    report(isms.by_id["POL-1"], 'a "quoted" word: a, b; 100%% sure\nsecond line\r\nthird\ttab é ✓')
  end,
}
