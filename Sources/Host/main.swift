import Logging

print("ecs-scheduler")
