#!/usr/bin/env python3
"""An Elasticsearch 8 emulator for the tests of the Elasticsearch job store.

It serves exactly the REST calls the store makes, with the status codes and bodies that the
Elasticsearch 8 REST API reference documents (https://www.elastic.co/guide/en/elasticsearch/
reference/8.15/, page named at each handler). State lives in memory; the process serves one
test run. Standard library only.

Behaviour that the store depends on and that is emulated on purpose:
- A document write becomes visible to searches only after a refresh: a `refresh` query
  parameter of `true`, `wait_for` or empty, or POST /<index>/_refresh. Real-time GET returns
  every write at once, as in Elasticsearch.
- A point in time (PIT) is a snapshot of the searchable documents when it was opened; a
  search through it pages with `search_after` on the `_shard_doc` sort value.
- A write to a missing index creates it (action.auto_create_index defaults to true).

Usage: elasticsearch_emulator.py --port PORT [--basic-auth USER:PASSWORD] [--api-key ID:KEY]
       [--request-log FILE]
"""
import argparse
import base64
import json
import re
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

# index.max_result_window default: from + size of one search may not exceed it.
MAX_RESULT_WINDOW = 10000
# Maximum length of a document id that Elasticsearch accepts, in UTF-8 bytes.
MAX_ID_BYTES = 512
INVALID_INDEX_CHARACTERS = set('\\/*?"<>| ,#')


class ElasticsearchError(Exception):
    """An error response in Elasticsearch's format: {"error": {...}, "status": N}."""

    def __init__(self, status, error_type, reason, **extra):
        super().__init__(reason)
        self.status = status
        cause = {'type': error_type, 'reason': reason, **extra}
        self.body = {'error': {'root_cause': [cause], **cause}, 'status': status}


def index_not_found(name):
    return ElasticsearchError(404, 'index_not_found_exception', f'no such index [{name}]',
                              **{'resource.type': 'index_or_alias', 'resource.id': name,
                                 'index_uuid': '_na_', 'index': name})


class Index:
    def __init__(self, name):
        self.name = name
        self.uuid = uuid.uuid4().hex[:22]
        # id -> {'source': dict, 'version': int, 'seq_no': int}
        self.documents = {}
        # What searches see: a copy of `documents` as of the last refresh.
        self.searchable = {}
        self.next_seq_no = 0

    def refresh(self):
        self.searchable = dict(self.documents)


class Cluster:
    """All indices, aliases and points in time; every method runs under `lock`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.indices = {}
        self.aliases = {}  # alias -> index name
        self.pits = {}  # id -> {'hits': [(index, id, source)], 'expires': monotonic seconds}

    def resolve(self, name):
        """The index `name` names directly or as an alias; raises index_not_found_exception."""
        index_name = self.aliases.get(name, name)
        if index_name not in self.indices:
            raise index_not_found(name)
        return self.indices[index_name]

    def exists(self, name):
        return name in self.indices or name in self.aliases

    def create_index(self, name, body):
        check_index_name(name)
        if name in self.indices:
            raise ElasticsearchError(400, 'resource_already_exists_exception',
                                     f'index [{name}/{self.indices[name].uuid}] already exists',
                                     index_uuid=self.indices[name].uuid, index=name)
        if name in self.aliases:
            raise ElasticsearchError(400, 'invalid_index_name_exception',
                                     f'Invalid index name [{name}], already exists as alias', index=name)
        aliases = (body or {}).get('aliases', {})
        for alias in aliases:
            if alias in self.indices:
                raise ElasticsearchError(400, 'invalid_alias_name_exception',
                                         f'Invalid alias name [{alias}]: an index or data stream exists '
                                         f'with the same name as the alias')
        self.indices[name] = Index(name)
        for alias in aliases:
            self.aliases[alias] = name

    def index_for_write(self, name):
        """The index to write to, created when missing as action.auto_create_index allows."""
        if not self.exists(name):
            self.create_index(name, None)
        return self.resolve(name)


def check_index_name(name):
    """Applies the index name rules of the create index API page (indices-create-index.html)."""
    reason = None
    if name != name.lower():
        reason = 'must be lowercase'
    elif any(character in INVALID_INDEX_CHARACTERS for character in name):
        reason = 'must not contain the following characters [ , \", *, \\, <, |, ,, >, /, ?]'
    elif name[:1] in ('-', '_', '+'):
        reason = 'must not start with \'_\', \'-\', or \'+\''
    elif name in ('.', '..'):
        reason = 'must not be \'.\' or \'..\''
    elif len(name.encode('utf-8')) > 255:
        reason = 'index name is too long'
    if reason:
        raise ElasticsearchError(400, 'invalid_index_name_exception', f'Invalid index name [{name}], {reason}',
                                 index=name, index_uuid='_na_')


def keep_alive_seconds(text):
    """Parses an Elasticsearch time value such as 30s, 1m or 2h."""
    match = re.fullmatch(r'(\d+)(ms|s|m|h|d)', text or '')
    if not match:
        raise ElasticsearchError(400, 'illegal_argument_exception',
                                 f'failed to parse setting [keep_alive] with value [{text}] as a time value')
    units = {'ms': 0.001, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}
    return int(match.group(1)) * units[match.group(2)]


def refresh_requested(query):
    """True for refresh=true, refresh=wait_for and a bare ?refresh (docs-refresh.html)."""
    values = query.get('refresh')
    return values is not None and values[0] in ('', 'true', 'wait_for')


def write_result(index, document_id, document, result):
    """The body of index, create and delete responses (docs-index_.html, docs-delete.html)."""
    return {'_index': index.name, '_id': document_id, '_version': document['version'], 'result': result,
            '_shards': {'total': 2, 'successful': 1, 'failed': 0},
            '_seq_no': document['seq_no'], '_primary_term': 1}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'elasticsearch-emulator'

    def setup(self):
        super().setup()
        # Without TCP_NODELAY, delayed ACKs add up to 40 ms to each keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):
        pass

    # ---- plumbing ----

    def do_HEAD(self):
        self.dispatch('HEAD')

    def do_GET(self):
        self.dispatch('GET')

    def do_PUT(self):
        self.dispatch('PUT')

    def do_POST(self):
        self.dispatch('POST')

    def do_DELETE(self):
        self.dispatch('DELETE')

    def dispatch(self, method):
        url = urlsplit(self.path)
        segments = [unquote(part) for part in url.path.split('/') if part]
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server.log_request_line(method, self.path)
        try:
            self.check_authorization()
            status, payload = self.route(method, segments, query, body)
        except ElasticsearchError as error:
            status, payload = error.status, error.body
        self.send(method, status, payload)

    def send(self, method, status, payload):
        data = b'' if payload is None else json.dumps(payload).encode('utf-8')
        self.send_response(status)
        self.send_header('X-elastic-product', 'Elasticsearch')
        if status == 401:
            self.send_header('WWW-Authenticate', 'Basic realm="security", charset="UTF-8"')
            self.send_header('WWW-Authenticate', 'ApiKey')
        if payload is not None:
            self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', '0' if method == 'HEAD' else str(len(data)))
        self.end_headers()
        if method != 'HEAD':
            self.wfile.write(data)

    def check_authorization(self):
        """Security: a missing or wrong credential is 401 security_exception (security-api pages)."""
        accepted = self.server.accepted_authorizations
        if not accepted:
            return
        header = self.headers.get('Authorization')
        if header in accepted:
            return
        reason = ('missing authentication credentials for REST request' if header is None
                  else 'unable to authenticate user for REST request')
        raise ElasticsearchError(401, 'security_exception', f'{reason} [{self.path}]',
                                 header={'WWW-Authenticate': ['Basic realm="security", charset="UTF-8"', 'ApiKey']})

    def json_body(self, body):
        try:
            return json.loads(body) if body else None
        except ValueError:
            raise ElasticsearchError(400, 'parse_exception', 'request body is required to be valid JSON')

    def route(self, method, segments, query, body):
        cluster = self.server.cluster
        with cluster.lock:
            if segments == ['_pit'] and method == 'DELETE':
                return self.close_pit(cluster, self.json_body(body))
            if segments == ['_search'] and method in ('GET', 'POST'):
                return self.search(cluster, self.json_body(body) or {})
            if len(segments) == 2 and segments[0] == '_alias' and method == 'GET':
                return self.get_alias(cluster, segments[1])
            if len(segments) == 1 and not segments[0].startswith('_'):
                return self.index_level(cluster, method, segments[0], body)
            if len(segments) == 2 and segments[1] == '_pit' and method == 'POST':
                return self.open_pit(cluster, segments[0], query)
            if len(segments) == 2 and segments[1] == '_refresh' and method in ('GET', 'POST'):
                cluster.resolve(segments[0]).refresh()
                return 200, {'_shards': {'total': 2, 'successful': 1, 'failed': 0}}
            if len(segments) == 2 and segments[1] == '_search':
                return self.search_with_index(self.json_body(body) or {})
            if len(segments) == 3 and segments[1] in ('_doc', '_create'):
                return self.document_level(cluster, method, segments, query, body)
        raise ElasticsearchError(405 if segments else 400, 'illegal_argument_exception',
                                 f'the emulator does not serve {method} {self.path}')

    # ---- indices ----

    def index_level(self, cluster, method, name, body):
        if method == 'HEAD':
            # Index exists API (indices-exists.html): 200 when the index or alias exists, else 404; no body.
            return (200 if cluster.exists(name) else 404), None
        if method == 'PUT':
            # Create index API (indices-create-index.html), with "aliases" in the body.
            cluster.create_index(name, self.json_body(body))
            return 200, {'acknowledged': True, 'shards_acknowledged': True, 'index': name}
        raise ElasticsearchError(405, 'illegal_argument_exception', f'the emulator does not serve {method} /{name}')

    def get_alias(self, cluster, alias):
        # Get alias API (indices-get-alias.html): 404 body is {"error": "alias [x] missing", "status": 404}.
        if alias not in cluster.aliases:
            return 404, {'error': f'alias [{alias}] missing', 'status': 404}
        return 200, {cluster.aliases[alias]: {'aliases': {alias: {}}}}

    # ---- documents ----

    def document_level(self, cluster, method, segments, query, body):
        name, endpoint, document_id = segments
        if len(document_id.encode('utf-8')) > MAX_ID_BYTES:
            raise ElasticsearchError(400, 'action_request_validation_exception',
                                     f'Validation Failed: 1: id [{document_id}] is too long, must be no longer '
                                     f'than {MAX_ID_BYTES} bytes but was: {len(document_id.encode("utf-8"))};')
        if method in ('PUT', 'POST'):
            create = endpoint == '_create' or query.get('op_type', [''])[0] == 'create'
            return self.index_document(cluster, name, document_id, create, query, body)
        if endpoint != '_doc':
            raise ElasticsearchError(405, 'illegal_argument_exception', f'the emulator does not serve {method} {self.path}')
        if method == 'GET':
            return self.get_document(cluster, name, document_id)
        if method == 'DELETE':
            return self.delete_document(cluster, name, document_id, query)
        raise ElasticsearchError(405, 'illegal_argument_exception', f'the emulator does not serve {method} {self.path}')

    def index_document(self, cluster, name, document_id, create, query, body):
        # Index API (docs-index_.html): 201 "created" or 200 "updated"; with op_type=create or
        # _create, an existing id is 409 version_conflict_engine_exception.
        source = self.json_body(body)
        if not isinstance(source, dict):
            raise ElasticsearchError(400, 'mapper_parsing_exception', 'failed to parse',
                                     caused_by={'type': 'not_x_content_exception',
                                                'reason': 'Compressor detection can only be called on some '
                                                          'xcontent bytes or compressed xcontent bytes'})
        index = cluster.index_for_write(name)
        existing = index.documents.get(document_id)
        if existing is not None and create:
            raise ElasticsearchError(409, 'version_conflict_engine_exception',
                                     f'[{document_id}]: version conflict, document already exists '
                                     f'(current version [{existing["version"]}])',
                                     index_uuid=index.uuid, shard='0', index=index.name)
        document = {'source': source, 'version': existing['version'] + 1 if existing else 1,
                    'seq_no': index.next_seq_no}
        index.next_seq_no += 1
        index.documents[document_id] = document
        if refresh_requested(query):
            index.refresh()
        if existing is None:
            return 201, write_result(index, document_id, document, 'created')
        return 200, write_result(index, document_id, document, 'updated')

    def get_document(self, cluster, name, document_id):
        # Get API (docs-get.html): found true with _source, or 404 with found false.
        index = cluster.resolve(name)
        document = index.documents.get(document_id)
        if document is None:
            return 404, {'_index': index.name, '_id': document_id, 'found': False}
        return 200, {'_index': index.name, '_id': document_id, '_version': document['version'],
                     '_seq_no': document['seq_no'], '_primary_term': 1, 'found': True,
                     '_source': document['source']}

    def delete_document(self, cluster, name, document_id, query):
        # Delete API (docs-delete.html): 200 "deleted", or 404 "not_found" when the id is missing.
        index = cluster.resolve(name)
        existing = index.documents.pop(document_id, None)
        document = {'version': (existing['version'] + 1) if existing else 1, 'seq_no': index.next_seq_no}
        index.next_seq_no += 1
        if refresh_requested(query):
            index.refresh()
        if existing is None:
            return 404, write_result(index, document_id, document, 'not_found')
        return 200, write_result(index, document_id, document, 'deleted')

    # ---- point in time and search ----

    def open_pit(self, cluster, name, query):
        # Open point in time API (point-in-time-api.html): POST /<index>/_pit?keep_alive=1m -> {"id": ...}.
        index = cluster.resolve(name)
        keep_alive = keep_alive_seconds(query.get('keep_alive', [''])[0])
        pit_id = base64.b64encode(uuid.uuid4().bytes).decode('ascii')
        hits = [(index.name, document_id, document['source'])
                for document_id, document in index.searchable.items()]
        cluster.pits[pit_id] = {'hits': hits, 'expires': time.monotonic() + keep_alive}
        return 200, {'id': pit_id, '_shards': {'total': 1, 'successful': 1, 'skipped': 0, 'failed': 0}}

    def close_pit(self, cluster, body):
        # Close point in time API (point-in-time-api.html): {"succeeded": true, "num_freed": n};
        # 404 with num_freed 0 when the id is unknown.
        pit_id = (body or {}).get('id')
        if pit_id is None:
            raise ElasticsearchError(400, 'action_request_validation_exception', 'Validation Failed: 1: no id specified;')
        freed = cluster.pits.pop(pit_id, None) is not None
        return (200 if freed else 404), {'succeeded': True, 'num_freed': 1 if freed else 0}

    def search_with_index(self, body):
        # A search through a PIT must not name indices (point-in-time-api.html).
        if 'pit' in body:
            raise ElasticsearchError(400, 'action_request_validation_exception',
                                     'Validation Failed: 1: [indices] cannot be used with point in time. '
                                     'Do not specify any index with point in time.;')
        raise ElasticsearchError(400, 'illegal_argument_exception', 'the emulator serves searches through a PIT only')

    def search(self, cluster, body):
        # Search API (search-search.html) through a PIT, paged with search_after on _shard_doc
        # (paginate-search-results.html); each hit carries its sort values and the response its pit_id.
        pit = body.get('pit')
        if not isinstance(pit, dict) or 'id' not in pit:
            raise ElasticsearchError(400, 'illegal_argument_exception', 'the emulator serves searches through a PIT only')
        context = cluster.pits.get(pit['id'])
        if context is None or context['expires'] < time.monotonic():
            cluster.pits.pop(pit['id'], None)
            raise ElasticsearchError(404, 'search_context_missing_exception', 'No search context found for id [0]')
        if 'keep_alive' in pit:
            context['expires'] = time.monotonic() + keep_alive_seconds(pit['keep_alive'])

        if body.get('sort') not in ([{'_shard_doc': 'asc'}], ['_shard_doc'], [{'_shard_doc': {'order': 'asc'}}]):
            raise ElasticsearchError(400, 'illegal_argument_exception',
                                     'the emulator sorts on [{"_shard_doc": "asc"}] only')
        size = body.get('size', 10)
        start = 0
        if 'search_after' in body:
            after = body['search_after']
            if not (isinstance(after, list) and len(after) == 1 and isinstance(after[0], int)):
                raise ElasticsearchError(400, 'illegal_argument_exception',
                                         'search_after has 1 value(s) but sort has 1.')
            start = after[0] + 1
        if not isinstance(size, int) or size < 0 or size > MAX_RESULT_WINDOW:
            raise ElasticsearchError(400, 'illegal_argument_exception',
                                     f'Result window is too large, from + size must be less than or equal to: '
                                     f'[{MAX_RESULT_WINDOW}] but was [{size}].')

        page = context['hits'][start:start + size]
        hits = [{'_index': index_name, '_id': document_id, '_score': None, '_source': source,
                 'sort': [start + offset]}
                for offset, (index_name, document_id, source) in enumerate(page)]
        return 200, {'pit_id': pit['id'], 'took': 1, 'timed_out': False,
                     '_shards': {'total': 1, 'successful': 1, 'skipped': 0, 'failed': 0},
                     'hits': {'total': {'value': len(context['hits']), 'relation': 'eq'},
                              'max_score': None, 'hits': hits}}


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, accepted_authorizations, request_log):
        super().__init__(('127.0.0.1', port), Handler)
        self.cluster = Cluster()
        self.accepted_authorizations = accepted_authorizations
        self.request_log = open(request_log, 'a', buffering=1) if request_log else None
        self.log_lock = threading.Lock()

    def log_request_line(self, method, path):
        if self.request_log is None:
            return
        with self.log_lock:
            self.request_log.write(f'{method} {path}\n')


def main():
    parser = argparse.ArgumentParser(description='Elasticsearch 8 emulator for the job store tests')
    parser.add_argument('--port', type=int, required=True, help='TCP port on 127.0.0.1')
    parser.add_argument('--basic-auth', help='require HTTP basic authentication with USER:PASSWORD')
    parser.add_argument('--api-key', help='require the API key ID:KEY (header "ApiKey base64(ID:KEY)")')
    parser.add_argument('--request-log', help='append "METHOD path" for every request to this file')
    arguments = parser.parse_args()

    accepted = set()
    if arguments.basic_auth:
        accepted.add('Basic ' + base64.b64encode(arguments.basic_auth.encode('utf-8')).decode('ascii'))
    if arguments.api_key:
        accepted.add('ApiKey ' + base64.b64encode(arguments.api_key.encode('utf-8')).decode('ascii'))
    server = Server(arguments.port, accepted, arguments.request_log)
    server.serve_forever()


if __name__ == '__main__':
    main()
