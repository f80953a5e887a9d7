-- wrk script: POST /jobs, then DELETE /jobs/<that id>, over and over. Run it with as
-- many threads as connections (-t N -c N), so each connection waits for the response to
-- its POST before it sends the DELETE of that job.
local sequence = 0
local posted = nil      -- id of the last POST sent
local created = nil     -- id created and not yet deleted
local deleting = false
local threads = 0

-- Runs in the main Lua state; gives each thread's state its own id prefix.
setup = function(thread)
    threads = threads + 1
    thread:set("prefix", string.format("pair-%d", threads))
end

request = function()
    if created then
        deleting = true
        return wrk.format("DELETE", "/jobs/" .. created)
    end
    sequence = sequence + 1
    posted = string.format("%s-%d", prefix, sequence)
    local body = string.format('{"taskDefinition": "bench-task", "id": "%s", "schedule": "0 0 0 * * * * 2099"}', posted)
    return wrk.format("POST", "/jobs", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
    if deleting then
        deleting = false
        created = nil
    elseif status == 201 then
        created = posted
    end
end
