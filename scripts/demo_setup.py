"""Prepares the local AWS emulator for `make demo`, and stops tasks while it runs.

Usage (with AWS_ENDPOINT_URL pointing at moto):
    demo_setup.py setup CLUSTER           cluster, task definitions, queue, container instance
    demo_setup.py send-messages QUEUE N   put N messages in the queue
    demo_setup.py stop-tasks CLUSTER      stop every running task, printing how many
    demo_setup.py show-jobs API_URL       print each job's last run and next run
"""
import json
import sys
import urllib.request

import boto3

REGION = "us-east-1"

# The walkthrough's task definitions: the family and its one container.
TASK_DEFINITIONS = {
    "sleeper-task": "sleeper-container",
    "consumer-task": "consumer-container",
}


def client(service):
    return boto3.client(service, region_name=REGION)


def register_container_instance(cluster):
    """Runs an EC2 instance and registers it with the cluster, so that tasks with the
    EC2 launch type (the default) have somewhere to run."""
    ec2 = client("ec2")
    image_id = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, InstanceType="m5.4xlarge")
    instance = instance["Instances"][0]
    document = {
        "instanceId": instance["InstanceId"],
        "region": REGION,
        "availabilityZone": instance["Placement"]["AvailabilityZone"],
        "instanceType": instance["InstanceType"],
        "imageId": image_id,
        "privateIp": instance["PrivateIpAddress"],
        "accountId": "123456789012",
        "architecture": "x86_64",
    }
    client("ecs").register_container_instance(cluster=cluster, instanceIdentityDocument=json.dumps(document))


def setup(cluster):
    ecs = client("ecs")
    ecs.create_cluster(clusterName=cluster)
    for family, container in TASK_DEFINITIONS.items():
        ecs.register_task_definition(
            family=family,
            containerDefinitions=[{
                "name": container,
                "image": "busybox",
                "command": ["sleep", "3600"],
                "cpu": 16,
                "memory": 32,
            }],
        )
    register_container_instance(cluster)
    client("sqs").create_queue(QueueName="consumer-task-queue")
    print(f"created cluster {cluster}, task definitions {', '.join(TASK_DEFINITIONS)}, "
          "queue consumer-task-queue and one container instance")


def send_messages(queue, count):
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    for start in range(0, count, 10):
        entries = [{"Id": str(i), "MessageBody": f"message {start + i}"} for i in range(min(10, count - start))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    print(f"put {count} messages in {queue}")


def stop_tasks(cluster):
    ecs = client("ecs")
    pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="RUNNING")
    arns = [arn for page in pages for arn in page["taskArns"]]
    for arn in arns:
        ecs.stop_task(cluster=cluster, task=arn, reason="stopped by the demo")
    print(f"stopped {len(arns)} running tasks, so the next fires start new ones")


def show_jobs(api):
    with urllib.request.urlopen(f"{api}/jobs?count=100") as response:
        jobs = json.load(response).get("jobs", [])
    for job in jobs:
        tasks = len(job.get("lastRunTasks") or [])
        print(f"{job['id']}: last run {job.get('lastRun', '-')} started {tasks} tasks, "
              f"next run {job.get('estimatedNextRun', '-')}")


def main(arguments):
    if len(arguments) == 2 and arguments[0] == "setup":
        setup(arguments[1])
    elif len(arguments) == 3 and arguments[0] == "send-messages":
        send_messages(arguments[1], int(arguments[2]))
    elif len(arguments) == 2 and arguments[0] == "stop-tasks":
        stop_tasks(arguments[1])
    elif len(arguments) == 2 and arguments[0] == "show-jobs":
        show_jobs(arguments[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
