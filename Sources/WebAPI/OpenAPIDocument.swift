import JobModel

/// The OpenAPI 3.0 description of the REST API, served at `/spec`.
///
/// WebAPITests checks that every route and status the API returns appears here, and the
/// end-to-end tests run `openapi-spec-validator` and schemathesis against it.
enum OpenAPIDocument {
    static let version = "0.1.0"

    static let document: JSONValue = [
        "openapi": "3.0.3",
        "info": [
            "title": "ecs-scheduler",
            "version": .string(version),
            "description": """
                Create, read, update and delete jobs that start Amazon ECS tasks on cron-style schedules \
                or when a trigger fires. Every response carries Access-Control-Allow-Origin: * and an ETag; \
                a GET whose If-None-Match lists the current ETag is answered with 304.
                """,
        ],
        "paths": [
            "/": ["get": rootOperation, "options": optionsOperation("Methods of the endpoint list")],
            "/spec": ["get": specOperation, "options": optionsOperation("Methods of the OpenAPI document")],
            "/jobs": [
                "get": listOperation,
                "post": createOperation,
                "options": optionsOperation("Methods of the job collection"),
            ],
            "/jobs/{id}": [
                "parameters": [jobIDParameter],
                "get": getOperation,
                "put": updateOperation,
                "delete": deleteOperation,
                "options": optionsOperation("Methods of a job", notFound: true),
            ],
        ],
        "components": ["schemas": schemas, "responses": sharedResponses],
    ]

    // MARK: Operations

    static let rootOperation: JSONValue = [
        "operationId": "listEndpoints",
        "summary": "List the endpoints",
        "responses": [
            "200": jsonResponse("The endpoints", schema: ref("Resources")),
            "304": notModified,
        ],
    ]

    static let specOperation: JSONValue = [
        "operationId": "getSpec",
        "summary": "This OpenAPI document",
        "responses": [
            "200": jsonResponse("The OpenAPI document", schema: ["type": "object"]),
            "304": notModified,
        ],
    ]

    static let listOperation: JSONValue = [
        "operationId": "listJobs",
        "summary": "List jobs, ordered by id, one page at a time",
        "parameters": [
            pageParameter("skip", "Jobs to skip; negative values count as 0.", defaultValue: 0),
            pageParameter("count", "Jobs per page; negative values count as 0.", defaultValue: 10),
        ],
        "responses": [
            "200": jsonResponse("One page of jobs, with links to the previous and next pages when they exist",
                                schema: ref("JobList")),
            "304": notModified,
            "400": responseRef("InvalidRequest"),
        ],
    ]

    static let createOperation: JSONValue = [
        "operationId": "createJob",
        "summary": "Create a job",
        "requestBody": ["required": true, "content": ["application/json": ["schema": ref("JobCreate")]]],
        "responses": [
            "201": [
                "description": "The job was created",
                "headers": ["Location": ["description": "The path of the new job", "schema": ["type": "string"]]],
                "content": ["application/json": ["schema": ref("JobCommitted")]],
                "links": [
                    "GetCreatedJob": [
                        "operationId": "getJob",
                        "parameters": ["id": "$response.body#/id"],
                    ],
                    "UpdateCreatedJob": [
                        "operationId": "updateJob",
                        "parameters": ["id": "$response.body#/id"],
                    ],
                    "DeleteCreatedJob": [
                        "operationId": "deleteJob",
                        "parameters": ["id": "$response.body#/id"],
                    ],
                ],
            ],
            "400": responseRef("InvalidRequest"),
            "409": responseRef("Conflict"),
            "413": responseRef("PayloadTooLarge"),
            "415": responseRef("UnsupportedMediaType"),
            "500": responseRef("StoreFailure"),
        ],
    ]

    static let getOperation: JSONValue = [
        "operationId": "getJob",
        "summary": "Read a job",
        "responses": [
            "200": jsonResponse("The job", schema: ref("Job")),
            "304": notModified,
            "404": responseRef("NotFound"),
        ],
    ]

    static let updateOperation: JSONValue = [
        "operationId": "updateJob",
        "summary": "Change the given fields of a job; null clears an optional field",
        "requestBody": ["required": true, "content": ["application/json": ["schema": ref("JobUpdate")]]],
        "responses": [
            "200": jsonResponse("The job was updated", schema: ref("JobCommitted")),
            "400": responseRef("InvalidRequest"),
            "404": responseRef("NotFound"),
            "413": responseRef("PayloadTooLarge"),
            "415": responseRef("UnsupportedMediaType"),
            "500": responseRef("StoreFailure"),
        ],
    ]

    static let deleteOperation: JSONValue = [
        "operationId": "deleteJob",
        "summary": "Delete a job",
        "responses": [
            "200": jsonResponse("The job was deleted", schema: [
                "type": "object", "required": ["id"], "properties": ["id": ["type": "string"]],
            ]),
            "404": responseRef("NotFound"),
            "500": responseRef("StoreFailure"),
        ],
    ]

    static func optionsOperation(_ summary: String, notFound: Bool = false) -> JSONValue {
        var responses: [String: JSONValue] = [
            "204": [
                "description": "The allowed methods, in Allow and Access-Control-Allow-Methods",
                "headers": ["Allow": ["schema": ["type": "string"]]],
            ],
        ]
        if notFound {
            responses["404"] = responseRef("NotFound")
        }
        return ["summary": .string(summary), "responses": .object(responses)]
    }

    static let jobIDParameter: JSONValue = [
        "name": "id", "in": "path", "required": true,
        "description": "The job id: letters, digits, _ and -.",
        "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-]+$", "maxLength": 255],
    ]

    static func pageParameter(_ name: String, _ description: String, defaultValue: Int) -> JSONValue {
        [
            "name": .string(name), "in": "query", "required": false, "description": .string(description),
            "schema": ["type": "integer", "default": .number(Double(defaultValue))],
        ]
    }

    // MARK: Responses

    static let notModified: JSONValue = ["description": "The resource still has the ETag given in If-None-Match"]

    static let sharedResponses: JSONValue = [
        "InvalidRequest": jsonResponse(
            "The body is empty, not UTF-8, not JSON or not an object, or fields break their rules (listed in errors)",
            schema: ref("Error")),
        "NotFound": jsonResponse("No job has this id", schema: ref("Error")),
        "Conflict": jsonResponse("A job with this id exists", schema: ref("Error")),
        "PayloadTooLarge": jsonResponse("The body is larger than 1 MiB", schema: ref("Error")),
        "UnsupportedMediaType": jsonResponse("The request has no Content-Type: application/json",
                                             schema: ref("Error")),
        "StoreFailure": jsonResponse("The job store failed; nothing was changed", schema: ref("Error")),
    ]

    static func jsonResponse(_ description: String, schema: JSONValue) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    static func ref(_ schema: String) -> JSONValue {
        ["$ref": .string("#/components/schemas/\(schema)")]
    }

    static func responseRef(_ response: String) -> JSONValue {
        ["$ref": .string("#/components/responses/\(response)")]
    }
}
