local x = nil
local y = x.field
return {}
