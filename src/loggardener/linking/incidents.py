"""Incidents: problems connected by links, each with a root, a start, and a story told from the evidence."""

from __future__ import annotations

import ipaddress
import re
from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from loggardener.clustering.models import Cluster, SuspectRevision
from loggardener.entries.levels import ACCESS_STATUS_PATTERN, HTTP_METHODS
from loggardener.entries.payloads import (
    SCOPE_BACKEND,
    SCOPE_DESTINATION,
    SCOPE_ENDPOINT,
    SCOPE_FIELD,
    SCOPE_HOST,
    SCOPE_PERMISSION,
    SCOPE_PORT,
    SCOPE_SOURCE,
    describes,
)
from loggardener.linking.facts import GKE_METHOD, ResolvedFacts, RevisionKey, Span
from loggardener.linking.models import ChangeMarker, DeployMarker, Incident, Link
from loggardener.linking.rules import (
    CONNECTION_LOST,
    DATASTORE_CLIENTS,
    DATASTORE_GONE,
    EXIT,
    POOL_TIMED_OUT,
    PROBE,
    is_managed_service_record,
    names_service,
    role,
    url_hosts,
)
from loggardener.regexes import compile_regex
from loggardener.rendering.markdown_safety import inline_code

_PRIORITY_RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}
_REVISION_NUMBER = compile_regex(r"-(\d{3,6})-[a-z0-9]{3}$")
_GAE_VERSION = compile_regex(r"\d{8}t\d{6}")
CHANGE_LEAD = timedelta(minutes=30)
"""A configuration change is told in an incident that starts at most this long after it."""
CHANGE_MIN_NAME = 4
"""Shorter resource names (`web`, `db`) are too common a word to say the problems name the resource: only a problem
naming it in its collection (`topics/tx`) or failing as a change of its kind fails its clients does."""
_NAME_NOT_RESOLVED = compile_regex(
    r"ENOTFOUND|EAI_AGAIN|no such host|Name or service not known|Temporary failure in name resolution|"
    r"nodename nor servname|UnknownHostException|NXDOMAIN|Could not resolve host|getaddrinfo failed",
    re.IGNORECASE,
)
"""A host name that did not resolve, as Node.js, Go, glibc, Java, curl and Python say it."""
_PERMISSION_DENIED = compile_regex(
    r"PERMISSION_DENIED|Permission ?Denied|AccessDenied|insufficient permissions|"
    r"does not have (?:permission|[\w.]+ (?:access|permission))|lacks (?:IAM )?permission|"
    r"not authori[sz]ed to|\b403(?: Client Error:|,? message=|:)? ?[(\"']?Forbidden\b|"
    r"\b(?:status(?: code)?[:=]? ?|HTTP(?:/\d(?:\.\d)?)? )403\b",
    re.IGNORECASE,
)
"""A call refused for want of a permission, as Google's client libraries and APIs say it, or an HTTP 403 with its
reason phrase however an HTTP client joins them (`403 Forbidden`, requests' `403 Client Error: Forbidden for url: …`,
aiohttp's `403, message='Forbidden', url=…`, `status 403 (Forbidden)`), or a 403 said as a status without it
(Faraday's `the server responded with status 403`, `HTTP 403`, `status code: 403`)."""
_ANSWERED_REFUSAL = compile_regex(
    f"{ACCESS_STATUS_PATTERN}|"
    # a request in origin form (`for GET /v1/exports`: a route of its own; a call it makes names a URL) or a path
    # after the refusal (Django's `Forbidden (Permission denied): /admin/…`)
    rf"\b(?:{HTTP_METHODS}) /(?![/\s])|(?i:forbidden|denied)(?: \([^()\n]{{1,80}}\))?: /(?![/\s])|"
    # a refusal sent to whoever called it
    r"\b(?i:to (?:the |its |a )?(?:client|caller|requester)s?)\b"
)
"""A refusal the service answered a request with, not a call of its own refused: its access line
(`entries.levels.ACCESS_STATUS_PATTERN`: `"DELETE /v1/orders/7781 HTTP/1.1" 403 Forbidden`, Rails' `Completed 403
Forbidden`, a logfmt `method=POST path=/v1/refunds status=403`), a request of its own named in origin form or a path
after the refusal, or a refusal said to be sent to its client."""
_DATABASE_PRIVILEGE_REFUSED = compile_regex(
    r"permission denied for (?:table|relation|schema|database|sequence|function|view|column|tablespace|language)\b|"
    r"\bmust be owner of\b|\bcommand denied to user\b|"
    r"\bThe \w+ permission was denied on the object\b",
    re.IGNORECASE,
)
"""A database refusing a statement for want of a privilege its own GRANTs give (PostgreSQL's `permission denied
for table orders`, `must be owner of table`, MySQL's `SELECT command denied to user`, SQL Server's `The SELECT
permission was denied on the object`), which no IAM policy grants."""
_FILE_SYSTEM_REFUSAL = compile_regex(
    # Node.js' `EACCES: permission denied, open '/x'` (`EPERM: operation not permitted, …`), Ruby's `Errno::EACCES:
    # Permission denied @ rb_sysopen - /x`, Python's `[Errno 13] Permission denied: '/x'` (PermissionError)
    r"\b(?:Errno::)?E(?:ACCES|PERM)\b(?::? ?(?i:permission denied|operation not permitted))?"
    r"|\[Errno (?:1|13)\] (?i:permission denied|operation not permitted)"
    # Java's NIO exceptions name the path (`java.nio.file.AccessDeniedException: /mnt/x`), java.io's say it after it
    # (`java.io.FileNotFoundException: /x (Permission denied)`)
    r"|\bAccessDeniedException: (?:/|[A-Za-z]:\\)|\((?i:permission denied)\)"
    # a path, bare or quoted, then the system call's error: Go's `open /etc/app/key.pem: permission denied`, the
    # shell's and coreutils' `mkdir: cannot create directory '/run/app': Permission denied`
    r"|(?:(?:^|[\s(])(?:~|\.{1,2})?/[^\s:'\"]{0,500}|'[^'\n]{0,500}/[^'\n]{0,500}'|\"[^\"\n]{0,500}/[^\"\n]{0,500}\")"
    r": (?i:permission denied)\b"
)
"""A program refused a file or a directory by the operating system (EACCES, EPERM), as each runtime says it: its
mode bits, owner or mount decide, which no IAM policy grants (a Cloud Storage FUSE mount's own refusal names the API
and the permission it was refused: `googleapi: Error 403: … does not have storage.objects.get access`)."""
_SERVER_REFUSALS = (
    "org.springframework.security.access.AccessDeniedException",
    "org.springframework.security.authorization.AuthorizationDeniedException",
    "werkzeug.exceptions.Forbidden",
    "django.core.exceptions.PermissionDenied",
    "rest_framework.exceptions.PermissionDenied",
    "CanCan::AccessDenied",
    "Pundit::NotAuthorizedError",
    "Symfony\\Component\\Security\\Core\\Exception\\AccessDeniedException",
    "Illuminate\\Auth\\Access\\AuthorizationException",
)
"""The exceptions web frameworks raise to answer a request with 403 (Spring Security, Flask's werkzeug, Django and
its REST framework, Rails' CanCanCan and Pundit, Symfony, Laravel): the service refusing its user, whatever IAM
grants it."""
_INVOKED_HOSTS = (".run.app", ".cloudfunctions.net", ".google.com")
"""Endings of the hosts of Cloud Run services and Cloud Functions, whose invoker role an IAM policy grants, and of
Google's own pages its refusals cite (Cloud Run's `… not authorized to invoke this service. Read more at
https://cloud.google.com/run/docs/securing/authenticating`, an API's `… visiting https://console.cloud.google.com/…`):
no call of the service's own."""
_HIERARCHY_NODE = ("projects/", "folders/", "organizations/")
_POSTGRES_CLIENT = compile_regex(DATASTORE_CLIENTS["PostgreSQL"], re.IGNORECASE)
_MYSQL_CLIENT = compile_regex(DATASTORE_CLIENTS["MySQL"], re.IGNORECASE)
_DATASTORES = (
    ("redis", compile_regex(DATASTORE_CLIENTS["Redis"], re.IGNORECASE)),
    ("memcache", compile_regex(DATASTORE_CLIENTS["Memcached"], re.IGNORECASE)),
    ("sql", compile_regex(f"{DATASTORE_CLIENTS['PostgreSQL']}|{DATASTORE_CLIENTS['MySQL']}", re.IGNORECASE)),
    ("alloydb", _POSTGRES_CLIENT),
)
"""A managed datastore's word in an audit method (`…CloudRedis.FailoverInstance`, `cloudsql.instances.restart`),
and how its clients name it when a call fails (`rules.DATASTORE_CLIENTS`, which the outage rule reads too: Cloud SQL's
clients are either engine's)."""
_WRITE_REFUSED_BY_REPLICA = {
    "redis": compile_regex(r"You can't write against a read only (?:replica|slave)"),
    "sql": compile_regex(
        r"--read-only option so it cannot execute|cannot execute \w+ in a read-only transaction"
    ),
    "alloydb": compile_regex(r"cannot execute \w+ in a read-only transaction"),
}
"""A write a replica refused, in the words of the datastore's own reply, which name its engine: a client still
connected to the old primary after a failover (Redis' `READONLY You can't write against a read only replica.`,
which redis-py raises as `ReadOnlyError: You can't write …`; MySQL's `… running with the --read-only option so it
cannot execute this statement`; PostgreSQL's `cannot execute INSERT in a read-only transaction`)."""
_SQL_ENGINES = {
    "PostgreSQL": (_POSTGRES_CLIENT, compile_regex(r"cannot execute \w+ in a read-only transaction")),
    "MySQL": (_MYSQL_CLIENT, compile_regex(r"--read-only option so it cannot execute")),
}
"""How the clients of a Cloud SQL instance whose engine its own logs show (`ChangeMarker.engine`) name it, and the
write its replica refuses in that engine's words: a MySQL instance's failover is not told for a PostgreSQL replica's
refusal (`_DATASTORES`' `sql` holds both engines' words, for an instance whose logs are not in the window)."""
_CONNECTION_FAILED = compile_regex(
    f"{CONNECTION_LOST}|"
    r"connection to server (?:at|on) [^\n]{1,200}? failed|"
    # a server certificate the client could not verify: OpenSSL's, Go's, Java's, Node.js'
    r"certificate verify failed|x509: certificate signed by unknown authority|PKIX path building failed|"
    r"unable to get local issuer certificate|self[- ]signed certificate in certificate chain",
    re.IGNORECASE,
)
"""A client whose connection to its server failed (`rules.CONNECTION_LOST`, which the outage rule reads too; libpq's
`connection to server at … failed: …` whatever the reason after it, read only here, where a password refused is
ruled out first: `_fails_as_changed`; the outage rule reads libpq's reasons themselves), or a server certificate it
could not verify (a rotated server CA: `certificate verify failed`, Go's `x509: certificate signed by unknown
authority`, Java's `PKIX path building failed`), which a datastore's change does and its outage does not."""
_DATASTORE_CONNECTION_FAILED = compile_regex(f"{_CONNECTION_FAILED.pattern}|{DATASTORE_GONE}", re.IGNORECASE)
"""A datastore's client whose connection failed (`_CONNECTION_FAILED`) or whose server was not there, in words that
say so only beside the client's name of its engine (`rules.DATASTORE_GONE`, which the outage rule reads too)."""
_CREDENTIAL_REFUSED = compile_regex(
    r"password authentication failed|Access denied for user|WRONGPASS|NOAUTH|invalid password|"
    r"no pg_hba\.conf entry",
    re.IGNORECASE,
)
"""A server refusing the client's credentials (PostgreSQL's `password authentication failed for user`, MySQL's
`Access denied for user`, Redis' `WRONGPASS`, `NOAUTH`): a change of a datastore's users (`cloudsql.users.update`)
or settings (AUTH turned on) refuses them, not its restart, failover, upgrade or certificate."""
_REDIS_LIMITS = r"OOM command not allowed when used memory|max number of clients reached"
_POSTGRES_LIMITS = r"too many clients already|remaining connection slots are reserved"
_MYSQL_LIMITS = r"\bToo many connections\b"
_LIMIT_REFUSED = compile_regex(f"{_REDIS_LIMITS}|{_MYSQL_LIMITS}|{_POSTGRES_LIMITS}", re.IGNORECASE)
"""A server refusing the client for a limit its settings set, in the datastore's own words: Redis' `OOM command not
allowed when used memory > 'maxmemory'.` and `ERR max number of clients reached`, MySQL's `Too many connections`
(1040), PostgreSQL's `sorry, too many clients already` and `remaining connection slots are reserved for
non-replication superuser connections`: a change of its settings (a smaller instance, a lower `max_connections` or
`maxclients`) refuses them, not its restart, failover or users."""
_LIMIT_REFUSED_BY = {
    "redis": compile_regex(_REDIS_LIMITS, re.IGNORECASE),
    "sql": compile_regex(f"{_POSTGRES_LIMITS}|{_MYSQL_LIMITS}", re.IGNORECASE),
    "alloydb": compile_regex(_POSTGRES_LIMITS, re.IGNORECASE),
}
"""Per managed datastore (`_DATASTORES`' word), its own limit replies, which name it when a client quotes them with no
word of its own (go-redis returns `OOM command not allowed when used memory > 'maxmemory'.` as is)."""
_ENGINE_LIMITS = {
    "PostgreSQL": _LIMIT_REFUSED_BY["alloydb"],
    "MySQL": compile_regex(_MYSQL_LIMITS, re.IGNORECASE),
}
"""As `_LIMIT_REFUSED_BY`, for a Cloud SQL instance whose engine its own logs show (`_SQL_ENGINES`)."""
_POOLED_DATASTORES = frozenset({"sql", "alloydb"})
"""Datastores whose clients' connection pools may name no engine when they wait in vain for a connection
(`rules.POOL_TIMED_OUT`: HikariCP's `Connection is not available, request timed out after 30000ms.`, Hibernate's,
SQLAlchemy's QueuePool): relational databases, so a pool waiting after one's failover or restart is its client."""
_USERS_METHOD = ".users."
"""What an audit method changing a datastore's users holds (`cloudsql.users.update`, `cloudsql.users.delete`)."""
_SETTINGS_METHODS = ("update", "patch", "Update", "Patch")
"""How the last part of an audit method changing a datastore's settings begins (`cloudsql.instances.patch`,
`…CloudRedis.UpdateInstance`), which may turn its authentication on or change how it is asked."""
_AUTHENTICATION_FAILED = compile_regex(
    r"authentication failed|AuthenticationError|invalid api[ _-]?key|UNAUTHENTICATED|\bUnauthori[sz]ed\b|"
    r"invalid_grant|invalid_client|Access denied for user|invalid credentials|bad credentials|WRONGPASS|"
    r"NOAUTH|certificate verify failed|alert unknown ca|alert bad certificate|certificate has expired",
    re.IGNORECASE,
)
"""A credential refused: a password, an API key, a token or a client certificate, as databases, APIs and TLS
libraries say it (`password authentication failed for user`, `Invalid API Key provided`, HTTP's `401 Unauthorized`
reason phrase alone: `Error: Unauthorized` of SendGrid's Node.js client)."""
_POD_LOCAL_OBJECTS = frozenset({"configmaps", "secrets", "serviceaccounts", "persistentvolumeclaims"})
"""Kubernetes objects (their resource in an audit method, `io.k8s.core.v1.configmaps.update`) a pod references only in
its own namespace: the ConfigMaps and Secrets it mounts or reads as variables, its service account, its volume claims."""
_SECRET_METHODS = ("SecretManagerService.", "secretmanager.", "io.k8s.core.v1.secrets.")
"""Audit methods that change a secret (`…SecretManagerService.AddSecretVersion`, `DisableSecretVersion`), and a
Kubernetes Secret's update, patch, replacement or deletion in GKE's audit log (`io.k8s.core.v1.secrets.update` on
`core/v1/namespaces/shop/secrets/stripe-credentials`): its pods read the new value on their next start."""
_SERVICE_ACCOUNT_PERMISSION = "iam.serviceAccounts."
"""The permissions a service account's own IAM policy grants (`iam.serviceAccounts.signBlob`, `…getAccessToken`,
`…actAs`): a call refused one of them names it."""
_ACCOUNT_CREDENTIAL_METHODS = compile_regex(
    r"^google\.iam\.admin\.v\d+\.(?:Delete|Disable)ServiceAccount(?:Key)?$"
)
"""Audit methods that withdraw a service account's credentials (`google.iam.admin.v1.DeleteServiceAccountKey`,
`DisableServiceAccountKey`, the account itself disabled or deleted); creating or enabling one refuses nothing."""
_NETWORK_METHODS = compile_regex(
    r"\bcompute\.(?:firewalls|firewallPolicies|networkFirewallPolicies|routes|routers)\.|"
    r"^io\.k8s\.networking\.\w+\.networkpolicies\."
)
"""Audit methods that change which hosts reach which (`v1.compute.firewalls.patch`, `…routes.delete`, a Cloud Router's
NAT: `v1.compute.routers.patch`, a Kubernetes NetworkPolicy: `io.k8s.networking.v1.networkpolicies.create`, which
concerns only the pods of its namespace)."""
_UNREACHABLE = compile_regex(
    r"ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|no route to host|network is unreachable|Timeout connecting|"
    r"connect(?:ion)? timed out|dial tcp [^\s]{1,100}: i/o timeout|ConnectTimeout|Connection to \S{1,253} timed out|"
    r"connected party did not properly respond",
    re.IGNORECASE,
)
"""A connection that found no way to its server (timed out connecting, no route; requests' `ConnectTimeout`, urllib3's
`Connection to erp.corp.example timed out.`, Windows' `A connection attempt failed because the connected party did not
properly respond …`): what a firewall or route change does, besides refusals (`_CONNECTION_FAILED`)."""
_NO_HEALTHY_BACKEND = compile_regex(
    r"\bfailed_to_pick_backend\b|\bfailed_to_connect_to_backend\b|\bno[_ ]healthy[_ ]upstream\b",
    re.IGNORECASE,
)
"""A load balancer that found no healthy backend to send a request to, or could not connect to the one it picked (the
HTTP(S) load balancer's `statusDetails`, Envoy's `no healthy upstream`): what a change of the backends' health check,
or of the firewall rule that admits the health checkers, does to every backend at once."""
_HEALTH_CHECK_METHODS = compile_regex(
    r"\bcompute\.(?:regionHealthChecks|healthChecks|httpHealthChecks|httpsHealthChecks)\.(?:patch|update|delete)$"
)
"""Audit methods that change what a load balancer's backends must answer to be healthy (`v1.compute.healthChecks.patch`:
its port, its request path)."""
_HEALTH_CHECKERS = tuple(ipaddress.ip_network(text) for text in ("35.191.0.0/16", "130.211.0.0/22"))
"""The ranges Google's health checkers and the load balancers' front ends connect to backends from: a firewall rule
admits them for the backends to be healthy."""
_PERIMETER_METHODS = compile_regex(
    r"\.AccessContextManager\.(?:(?:Create|Update|Delete)ServicePerimeter|(?:Replace|Commit)ServicePerimeters|"
    r"(?:Update|Delete)AccessLevel|ReplaceAccessLevels)$"
)
"""Audit methods that change what a VPC Service Controls perimeter lets through (`…AccessContextManager.
UpdateServicePerimeter`: its restricted services, its resources; an access level it admits callers by). Creating an
access level admits no one until a perimeter names it."""
_PERIMETER_REFUSED = compile_regex(
    r"prohibited by organi[sz]ation's policy|vpcServiceControlsUniqueIdentifier|\bVPC_SERVICE_CONTROLS\b|"
    r"\bRESOURCES?_NOT_IN_SAME_SERVICE_PERIMETER\b|\bNO_MATCHING_ACCESS_LEVEL\b|\bSERVICE_NOT_ALLOWED_FROM_VPC\b",
    re.IGNORECASE,
)
"""A call VPC Service Controls refused, as Google's APIs and the policy audit log say it (`Request is prohibited by
organization's policy. vpcServiceControlsUniqueIdentifier: …`, a violation of type `VPC_SERVICE_CONTROLS`,
`violationReason: RESOURCES_NOT_IN_SAME_SERVICE_PERIMETER`)."""
_PERIMETER_DRY_RUN_FIELDS = frozenset({"spec"})
"""A perimeter's dry-run configuration (an update mask's first part, lower case, without `_`): its `spec`, where an
organization policy's is named so (`dry_run_spec`: `_DRY_RUN`)."""
_DRY_RUN = "dryrun"
"""What the name of a field holding a dry-run configuration holds (lower case, without `_`): an organization
policy's `dry_run_spec`, a perimeter's `useExplicitDryRunSpec`. A change of these alone logs what it would refuse and
refuses nothing."""
_PRIVATE_ACCESS_METHODS = compile_regex(r"\bcompute\.subnetworks\.setPrivateIpGoogleAccess$")
"""Audit methods that turn a subnet's Private Google Access on or off: off, its VMs and nodes without an external
address no longer reach Google's APIs."""
_GOOGLE_API_HOST = compile_regex(
    r"(?<![\w.-])[a-z0-9-]{1,63}\.googleapis\.com(?![\w-])|(?<![\w.-])(?:[a-z]{2,4}\.)?gcr\.io(?![\w-])|"
    r"(?<![\w.-])[a-z0-9-]{1,63}-(?:docker|python|npm|maven|go|apt|yum|generic)\.pkg\.dev(?![\w-])",
    re.IGNORECASE,
)
"""A Google API's host as a failed call names it (`oauth2.googleapis.com`, `gcr.io`, `us-docker.pkg.dev`, Artifact Registry's hosts of every format)."""
_CONNECTOR_METHODS = compile_regex(r"\.VpcAccessService\.(?:Update|Delete)Connector$")
"""Audit methods that change or remove the Serverless VPC Access connector Cloud Run services and functions reach
private addresses through."""
_SERVERLESS_RESOURCES = frozenset({"cloud_run_revision", "cloud_run_job", "cloud_function", "gae_app"})
_SCHEMA_METHODS = ("DatabaseAdmin.UpdateDatabaseDdl",)
"""Audit methods that change a database's schema (Spanner's `…DatabaseAdmin.UpdateDatabaseDdl`: `ALTER TABLE Orders
DROP COLUMN ShippingNotes`)."""
_SPANNER_CLIENT = compile_regex(r"spanner", re.IGNORECASE)
"""How Spanner's clients name it when a call fails (Go's `spanner: code = …`, Java's `SpannerException`, Python's
`google/cloud/spanner_v1/…` frames)."""
_SCHEMA_NAME_UNKNOWN = compile_regex(
    r"Unrecognized name: |Column not found in table|Table not found: |Index not found: |"
    r"\b(?:column|table|index) \S{1,200} (?:does not exist|not found)\b",
    re.IGNORECASE,
)
"""A query naming a column, table or index the schema no longer has, as GoogleSQL (`Unrecognized name: ShippingNotes
[at 1:34]`), Spanner's reads (`Column not found in table Orders: ShippingNotes`) and PostgreSQL dialects say it."""
_KUBERNETES_API = compile_regex(
    r"(?:https://[^\s/\\\"']{1,253}|url: )/(?:api/v1/(?:namespaces|pods|nodes|services|endpoints|configmaps|"
    r"secrets|events|persistentvolumes|persistentvolumeclaims)\b|apis/[a-z0-9.-]{1,253}/v\d[a-z0-9]*/)|"
    r"kubernetes\.default|"
    r"the server is currently unable to handle the request",
    re.IGNORECASE,
)
"""A call to the Kubernetes API server (client-go's `Get \"https://10.16.0.1:443/api/v1/pods…\"`, the Python client's
`HTTPSConnectionPool(host='10.16.0.1', port=443): Max retries exceeded with url: /apis/batch/v1/…`,
`kubernetes.default.svc`): what a control plane's upgrade, resize or IP rotation leaves unanswered a while. Its
paths name the API's own resources or groups (`/api/v1/namespaces/…`, `/apis/coordination.k8s.io/v1/…`); another
REST API's `/api/v1/rates` is not it."""
_UNSCHEDULABLE = compile_regex(
    r"\b0/\d{1,6} nodes are available: [^\n]{0,400}?(?:Insufficient [\w./-]{1,60}|didn't match Pod's node "
    r"affinity/selector|untolerated taint|had taint|were unschedulable|Too many pods)|\bpod didn't trigger scale-up\b"
)
"""A pod no node can take, for want of what a node pool provides, as the Kubernetes scheduler says it (`0/3 nodes are
available: 3 Insufficient cpu.`, `… 4 node(s) didn't match Pod's node affinity/selector.`, a taint, cordoned nodes) or
the cluster autoscaler (`pod didn't trigger scale-up: 1 max node group size reached`): what a node pool resized, its
autoscaling bounded, or deleted does to its cluster's pods. A claim or a volume no node can take is not its doing."""
_CERTIFICATE_METHODS = compile_regex(
    r"\bcompute\.(?:targetHttpsProxies\.(?:setSslCertificates|setCertificateMap)|targetSslProxies\."
    r"setSslCertificates)$|CertificateManager\.(?:Update|Delete)Certificate(?:MapEntry)?$"
)
"""Audit methods that change the certificate a load balancer serves (`v1.compute.targetHttpsProxies.setSslCertificates`,
Certificate Manager's `…UpdateCertificateMapEntry`)."""
_CERTIFICATE_NOT_FOR_HOST = compile_regex(
    r"does not match certificate's altnames|ERR_TLS_CERT_ALTNAME_INVALID|x509: certificate is valid for|"
    r"Hostname mismatch|certificate is not valid for|No subject alternative (?:DNS )?names? matching|"
    r"no alternative certificate subject name matches|RemoteCertificateNameMismatch|"
    r"unable to verify the first certificate|unable to get local issuer certificate|"
    r"x509: certificate signed by unknown authority",
    re.IGNORECASE,
)
"""A client refusing a server's certificate as not for the host it called, or not chained to what it trusts, as
Node.js (`Hostname/IP does not match certificate's altnames`), Go (`x509: certificate is valid for www…, not api…`),
Python (`Hostname mismatch, certificate is not valid for 'api…'`), Java (`No subject alternative DNS name matching …`),
curl and .NET say it: what a certificate swapped on a load balancer does. An expired certificate is not one: a
certificate left unchanged expires."""
_API_KEY_METHODS = compile_regex(r"^google\.api\.apikeys\.v\d+\.ApiKeys\.(?:UpdateKey|DeleteKey)$")
"""Audit methods that restrict or delete an API key (creating or undeleting one refuses nothing)."""
_API_KEY_REFUSED = compile_regex(
    r"API key not valid|API_KEY_INVALID|API key expired|The provided API key is invalid|"
    r"API_KEY_(?:SERVICE|HTTP_REFERRER|IP_ADDRESS|ANDROID_APP|IOS_APP)_BLOCKED|"
    r"Requests (?:to this API|from (?:referer|this)) [^\n]{0,300}? are blocked",
    re.IGNORECASE,
)
"""A call refused its API key, as Google's APIs say it (`API key not valid. Please pass a valid API key.`, `Requests to
this API translate.googleapis.com method … are blocked.`, `Requests from referer <empty> are blocked.`)."""
_DENY_POLICY_METHODS = compile_regex(r"^google\.iam\.v2(?:beta)?\.Policies\.(?:Create|Update)Policy$")
"""Audit methods that add or change an IAM deny policy's rules (deleting one lifts its denials: it refuses nothing)."""
_MESSAGE_SCHEMA_METHODS = compile_regex(
    r"^google\.pubsub\.v1\.(?:SchemaService\.(?:CommitSchema|RollbackSchema|DeleteSchemaRevision)|"
    r"Publisher\.UpdateTopic)$"
)
"""Audit methods that change the schema a Pub/Sub topic's messages must match: a schema's revision committed, rolled
back or deleted, a topic's `schemaSettings` set (`Publisher.UpdateTopic`, told so only when its mask names them)."""
_SCHEMA_VALIDATION_FAILED = compile_regex(
    r"Message failed schema validation|Invalid data in message|Invalid schema message|"
    r"INVALID_(?:JSON|BINARY)_AVRO_MESSAGE|INVALID_(?:JSON|BINARY)_PROTO_MESSAGE",
    re.IGNORECASE,
)
"""A publish refused for not matching its topic's schema, as Pub/Sub answers it (`400 Invalid data in message: Message
failed schema validation.`)."""
_ARTIFACT_DELETED = compile_regex(
    r"\.ArtifactRegistry\.(?:Delete(?:Version|Package|Tag)|BatchDeleteVersions)$"
)
"""Audit methods that delete an image's tag, version or package from Artifact Registry."""
_IMAGE_PULL_FAILED = compile_regex(
    r"Failed to pull image|ErrImagePull|ImagePullBackOff|Back-off pulling image|manifest unknown|"
    r"Image '[^'\n]{1,300}' not found",
    re.IGNORECASE,
)
"""A pull of an image refused, as the kubelet, a registry or Cloud Run's deploy says it."""
_PORT_NAMED = compile_regex(
    r"(?:(?<![\w.-])(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]{2,39}\]|[a-z][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,8})"
    r":(\d{2,5})|\bport[ =](\d{2,5}))(?!\d|:\d)",
    re.IGNORECASE,
)
"""A port a failed connection names: after its host (`10.20.0.7:5432`, `[fd00::3]:6379`, `redis-master:6379`), or
as libpq says it (`port 5432 failed`); not a source file's line (`Redis.js:170:41`, `main.go:231`)."""
_IPV4 = compile_regex(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])")
_SOURCE_FILES = frozenset({"js", "mjs", "cjs", "ts", "py", "go", "java", "kt", "scala", "rb", "php", "cs", "rs", "c",
                           "cc", "cpp", "h", "ex", "exs", "erl"})  # fmt: skip
_CLIENT_PORTS = (
    (compile_regex(r"redis|valkey", re.IGNORECASE), "6379"),
    (compile_regex(r"memcache", re.IGNORECASE), "11211"),
    (
        compile_regex(
            r"postgres|psycopg|PSQL|pg8000|asyncpg|pgx|pgconn|(?<![\w-])conn closed\b|node_modules/pg(?:-pool)?/",
            re.IGNORECASE,
        ),
        "5432",
    ),
    (compile_regex(r"mysql", re.IGNORECASE), "3306"),
    (compile_regex(r"mongo", re.IGNORECASE), "27017"),
)
"""The default port of the server a client names by its driver when its message names no port (`[ioredis] … connect
ETIMEDOUT`)."""
_TEXT_HEAD = 2_000
KUBERNETES_RESOURCES = frozenset({"k8s_container", "k8s_pod", "k8s_node", "container"})


def _q(text: str) -> str:
    """Log text quoted in a story: an inline code span nothing inside can close."""
    return inline_code(text, 160)


def _time(moment: datetime) -> str:
    return moment.strftime("%H:%M:%S")


def _revision_order(revision: str) -> tuple[int, int, str] | None:
    """How revision names sort: (1, number) for Cloud Run's `svc-00042-xiv`, (0, 0, name) for App Engine's
    timestamp versions; None for names that carry no order. Only the same first part compares."""
    match = _REVISION_NUMBER.search(revision)
    if match:
        return 1, int(match.group(1)), revision
    return (0, 0, revision) if _GAE_VERSION.fullmatch(revision) else None


def _previous(revision: RevisionKey, facts: ResolvedFacts) -> RevisionKey | None:
    """The service's revision before `revision` seen in the window, by the names' order."""
    order = _revision_order(revision[1])
    if order is None:
        return None
    earlier = []
    for key in facts.revisions:
        other = _revision_order(key[1])
        if key[0] == revision[0] and other is not None and other[0] == order[0] and other[1:] < order[1:]:
            earlier.append((other, key))
    return max(earlier)[1] if earlier else None


def _served_before(
    revision: RevisionKey, spans: dict[RevisionKey, Span], facts: ResolvedFacts
) -> RevisionKey | None:
    """The service's revision that served before `revision` first did in the window, without the problem (`spans`),
    when a deploy of the service in between sent traffic to `revision`: of those first seen before that deploy, the
    one seen last. Traffic rolled back to an older revision (`catalog-00056-bon` after `catalog-00058-rix`) or
    revisions named without a number have no previous revision by name; two revisions serving side by side from the
    window's start, with no deploy between, have none at all."""
    arrived = facts.revisions[revision].start
    service = revision[0].lower()
    deployed = [
        d.timestamp for d in facts.deploys if (d.service or "").lower() == service and d.timestamp <= arrived
    ]
    if not deployed:
        return None
    earlier = [
        (span.last, key)
        for key, span in facts.revisions.items()
        if key[0] == revision[0] and key != revision and key not in spans and span.start < max(deployed)
    ]
    return max(earlier)[1] if earlier else None


def suspect_revision(cluster: Cluster, facts: ResolvedFacts) -> SuspectRevision | None:
    """The revision the problem first appears in, when the service's previous revision ran without it: the one
    before it by name, else the one that served before it (`_served_before`)."""
    spans = facts.cluster_revisions.get(cluster.fingerprint)
    if not spans:
        return None
    revision, span = min(spans.items(), key=lambda item: (item[1].first, item[0]))
    previous = _previous(revision, facts)
    if previous is None or previous in spans or facts.revisions[previous].first >= span.first:
        previous = _served_before(revision, spans, facts)
    if previous is None:
        return None
    seen = facts.revisions[previous]
    if seen.first >= span.first:
        return None
    return SuspectRevision(
        service=revision[0],
        revision=revision[1],
        previous=previous[1],
        previous_first_seen=seen.start,
        previous_last_seen=seen.end,
        first_seen=span.start,
        evidence=f"new in {_q(revision[1])}: absent from {_q(previous[1])}, which ran {_time(seen.start)}–"
        f"{_time(seen.end)}; first seen in {_q(revision[1])} at {_time(span.start)}",
    )


def with_links(
    clusters: Sequence[Cluster], links: Sequence[Link], suspects: dict[str, SuspectRevision]
) -> list[Cluster]:
    """The clusters with `related`, `causes`, `effects` and `suspect_revision` filled in."""
    causes: dict[str, list[str]] = {}
    effects: dict[str, list[str]] = {}
    for link in links:
        causes.setdefault(link.effect, []).append(link.cause)
        effects.setdefault(link.cause, []).append(link.effect)
    return [
        c.model_copy(
            update={
                "causes": sorted(causes.get(c.fingerprint, [])),
                "effects": sorted(effects.get(c.fingerprint, [])),
                "related": sorted({*causes.get(c.fingerprint, []), *effects.get(c.fingerprint, [])}),
                "suspect_revision": suspects.get(c.fingerprint),
            }
        )
        for c in clusters
    ]


def _urgency(cluster: Cluster) -> tuple[int, datetime, str]:
    return _PRIORITY_RANK.get(cluster.priority, 4), cluster.first_seen, cluster.fingerprint


def _components(clusters: Sequence[Cluster], links: Sequence[Link]) -> list[list[Cluster]]:
    by_fingerprint = {c.fingerprint: c for c in clusters}
    neighbours: dict[str, set[str]] = {fp: set() for fp in by_fingerprint}
    for link in links:
        if link.cause in neighbours and link.effect in neighbours:
            neighbours[link.cause].add(link.effect)
            neighbours[link.effect].add(link.cause)
    seen: set[str] = set()
    components = []
    for fingerprint in by_fingerprint:
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        queue, members = deque([fingerprint]), []
        while queue:
            current = queue.popleft()
            members.append(by_fingerprint[current])
            for other in sorted(neighbours[current] - seen):
                seen.add(other)
                queue.append(other)
        components.append(members)
    return components


def _walk(root: str, links: Sequence[Link]) -> list[Link]:
    """The component's links in story order: breadth first from the root along causes, then the rest."""
    by_cause: dict[str, list[Link]] = {}
    for link in links:
        by_cause.setdefault(link.cause, []).append(link)
    ordered: list[Link] = []
    queue, visited = deque([root]), {root}
    while queue:
        current = queue.popleft()
        for link in by_cause.get(current, []):
            ordered.append(link)
            if link.effect not in visited:
                visited.add(link.effect)
                queue.append(link.effect)
    walked = {(link.cause, link.effect) for link in ordered}
    return ordered + [link for link in links if (link.cause, link.effect) not in walked]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _deploys_before(
    deploys: Sequence[DeployMarker], services: set[str], start: datetime, projects: set[str]
) -> list[DeployMarker]:
    """The deploys of the incident's services up to its start; not one in a project none of its problems' samples
    are in (`projects`: a `checkout` of `shop-staging` failing after `checkout` of `shop-prod` was deployed)."""
    names = {
        service.lower() for service in services
    }  # Cloud Functions gen2 names its Cloud Run service lower case
    return [
        d
        for d in deploys
        if (d.service or "").lower() in names
        and d.timestamp <= start
        and (d.project is None or not projects or d.project in projects)
    ][-3:]


def _suspect(
    root: Cluster, members: Sequence[Cluster], links: Sequence[Link]
) -> tuple[Cluster, SuspectRevision] | None:
    """The problem whose suspect revision the incident names: the root's; for a managed service's record (a
    database refusing statements), the earliest suspect of the problems it directly causes (the linking stage
    kept it: the record began only once that revision ran, so it answers what the new code sends)."""
    if root.suspect_revision is not None:
        return root, root.suspect_revision
    if not is_managed_service_record(root):
        return None
    by_fingerprint = {c.fingerprint: c for c in members}
    found = [
        (effect, effect.suspect_revision)
        for link in links
        if link.cause == root.fingerprint
        and (effect := by_fingerprint.get(link.effect)) is not None
        and effect.suspect_revision is not None
    ]
    return min(found, key=lambda item: (item[1].first_seen, item[1].revision), default=None)


def with_effects(seeds: set[str], links: Sequence[Link]) -> set[str]:
    """The problems `seeds` names and every effect of theirs, however far down the links."""
    effects: dict[str, list[str]] = {}
    for link in links:
        effects.setdefault(link.cause, []).append(link.effect)
    found, queue = set(seeds), list(seeds)
    while queue:
        for effect in effects.get(queue.pop(), []):
            if effect not in found:
                found.add(effect)
                queue.append(effect)
    return found


def crosses_services(link: Link, services: dict[str, set[str]]) -> bool:
    """Whether `link` runs from one service's problem to another's (`services`: fingerprint → its services;
    a problem of no known service crosses nothing)."""
    cause, effect = services.get(link.cause), services.get(link.effect)
    return bool(cause and effect and not cause & effect)


def _origin_services(members: Sequence[Cluster], links: Sequence[Link]) -> set[str]:
    """The services whose deploys may be an incident's cause: those of its problems no other service's
    failure explains. A caller failing on the 5xx of a service it calls, and whatever follows from that, is
    not its own deploy's doing (all services when the links leave none)."""
    services = {c.fingerprint: set(c.services) for c in members}
    downstream = with_effects({link.effect for link in links if crosses_services(link, services)}, links)
    origin = {s for c in members if c.fingerprint not in downstream for s in c.services}
    return origin or {s for c in members for s in c.services}


def _changes_before(
    changes: Sequence[ChangeMarker], members: Sequence[Cluster], start: datetime
) -> list[ChangeMarker]:
    """The changes in the `CHANGE_LEAD` before the start to a resource a problem runs on or names; of the
    secrets changed, the ones the problems name a word of, when there are such (`_names_a_word_of`)."""
    near = [
        change
        for change in changes
        if start - CHANGE_LEAD <= change.timestamp <= start and concerns(change, members)
    ]
    secrets = [change for change in near if _is_secret_change(change)]
    named = [change for change in secrets if _names_a_word_of(change.resource, members)]
    if named and len(named) < len(secrets):
        near = [change for change in near if change in named or not _is_secret_change(change)]
    return near[-3:]


def _is_secret_change(change: ChangeMarker) -> bool:
    return any(part in change.method for part in _SECRET_METHODS)


_WORD_SPLIT = compile_regex(r"[^a-z0-9]+")
_SECRET_WORDS = frozenset(
    {"password", "passwd", "secret", "secrets", "token", "tokens", "credential", "credentials", "apikey", "keys",
     "prod", "production", "staging", "config", "settings"}
)  # fmt: skip
"""Words every secret's name may hold: they tell what it is, not whose it is."""


def _names_a_word_of(resource: str, problems: Sequence[Cluster]) -> bool:
    """A problem's services or text hold a word of the secret's name other than what it is (`accounts` of
    `accounts-db-password`, in service `accounts-api` or a socket `/cloudsql/p:r:accounts-db/…`): a credential
    refused right after two secrets changed was the one of its own service or database."""
    words = {
        word
        for word in _WORD_SPLIT.split(resource.lower())
        if len(word) >= CHANGE_MIN_NAME and word not in _SECRET_WORDS
    }
    if not words:
        return False
    said: set[str] = set()
    for c in problems:
        for text in (*c.services, f"{c.title}\n{c.message}"[:_TEXT_HEAD]):
            said.update(_WORD_SPLIT.split(text.lower()))
    return not words.isdisjoint(said)


def concerns(change: ChangeMarker, problems: Sequence[Cluster]) -> bool:
    """One of the problems runs on the changed resource (a load balancer's backend service, a Cloud SQL
    instance: its `project:instance` database id; a VM stopped under it, `ChangeMarker.hosted`: a GKE node's
    Spot VM preempted; a Kubernetes workload whose pods it ran in, a Deployment rolled out) or names it as a word (a bucket in a 403's URL), or fails
    as a change of its kind fails what it serves (`_concerns_by_kind`). An IAM policy change that only adds
    bindings refuses nothing (`grants_only`); a change of a Kubernetes cluster (a node pool, its control plane, an
    object in it) concerns no problem of other clusters only (`ChangeMarker.elsewhere`); a managed datastore's
    change no problem of other projects only (`_runs_only_elsewhere`)."""
    if change.grants_only or _describes_only(change) or _dry_run_only(change):
        return False
    if change.parent is not None:
        problems = [c for c in problems if not _names_it_in_another_parent(change, c)]
    if change.project is not None:
        problems = [c for c in problems if not _names_it_in_another_project(change, c)]
        if _is_datastore_change(change):
            problems = [c for c in problems if not _runs_only_elsewhere(c, change)]
    if _is_datastore_change(change):
        problems = [c for c in problems if not _names_only_other_instances(change, c)]
    if change.cluster is not None:
        problems = [c for c in problems if c.fingerprint not in change.elsewhere]
    if _read_in_its_namespace_only(change):
        problems = [c for c in problems if _in_namespace(change, c)]
    if any(c.fingerprint in change.hosted for c in problems):
        return True
    if len(change.resource) < CHANGE_MIN_NAME:
        return _names_in_its_collection(change, problems) or _concerns_by_kind(change, problems)
    resource = change.resource.lower()
    if any(resource in (s.lower(), s.lower().rpartition(":")[2]) for c in problems for s in c.services):
        return True
    if any(_named_after(resource, s) for c in problems for s in c.services):
        return True
    if any(names_service(change.resource, _said(c)) for c in problems):
        return True
    return _concerns_by_kind(change, problems)


def _names_in_its_collection(change: ChangeMarker, problems: Sequence[Cluster]) -> bool:
    """A problem names the changed resource in its collection, as its resource name does (`topics/tx` of
    `projects/shop-prod/topics/tx`): a name too short to be told by itself (`CHANGE_MIN_NAME`) is told so."""
    if change.collection is None:
        return False
    pattern = rf"(?<![\w-]){re.escape(change.collection)}/{re.escape(change.resource)}(?![\w.-])"
    return any(re.search(pattern, _said(c), re.IGNORECASE) for c in problems)


def _names_it_in_another_parent(change: ChangeMarker, problem: Cluster) -> bool:
    """Every time the problem names the changed resource, it qualifies it by a resource other than the one it is in
    (`ChangeMarker.parent`): table `page_events` deleted from dataset `analytics_sandbox` while a client is refused
    `shop-prod:analytics.page_events`; tag `1.9.0` deleted from `billing-api` while `orders-api:1.9.0` is pulled. A
    name inside a longer one is not qualified by what precedes it (`googleapis` of `storage.googleapis.com`); a path
    qualifies it by the name before its collection (`app-ring` of `keyRings/app-ring/cryptoKeys/card-key`)."""
    if len(change.resource) < CHANGE_MIN_NAME:
        return False
    name = re.escape(change.resource)
    collection = rf"(?:/{re.escape(change.collection)})?" if change.collection else ""
    pattern = rf"(?<![\w-])([\w-]{{1,100}}){collection}[.:/]{name}(?![\w-]|\.\w)|{name}"
    own = {(change.parent or "").lower(), (change.collection or "").lower()}
    found = [m.group(1) for m in re.finditer(pattern, _said(problem), re.IGNORECASE)]
    return bool(found) and all(q is not None and q.lower() not in own for q in found)


def _names_it_in_another_project(change: ChangeMarker, problem: Cluster) -> bool:
    """The problem names a resource of the changed one's name qualified by projects other than the change's: a Cloud
    SQL connection name (`/cloudsql/shop-prod:us-central1:orders-db` while `projects/shop-staging/instances/
    orders-db` restarted) or a resource name (`projects/shop-prod/…/orders-db`). A shared VPC's host project or a
    central secrets project is not another project here: only the resource's own name, qualified, says so."""
    projects = _qualifying_projects(change, problem)
    return bool(projects) and change.project not in projects


def _qualifying_projects(change: ChangeMarker, problem: Cluster) -> set[str]:
    """The projects the problem qualifies a resource of the changed one's name by (`shop-prod` of
    `/cloudsql/shop-prod:us-central1:orders-db`, of `projects/shop-prod/…/orders-db`); not the resource the changed one
    is in (`orders-api` of `…/orders-api:1.8.2`, an image's tag: `ChangeMarker.parent`)."""
    if change.project is None or len(change.resource) < CHANGE_MIN_NAME:
        return set()
    parent = (change.parent or "").lower()
    name = re.escape(change.resource)
    pattern = (
        rf"(?<![\w-])(?:([a-z][a-z0-9-]{{4,28}}[a-z0-9])(?::[a-z0-9-]{{1,40}})?:|"
        rf"projects/([a-z][a-z0-9-]{{4,28}}[a-z0-9])/(?:[^\s/]{{1,100}}/){{1,6}}){name}(?![\w-])"
    )
    found = {
        found.group(1) or found.group(2) for found in re.finditer(pattern, _said(problem), re.IGNORECASE)
    }
    return {project for project in found if project.lower() != parent}


_INSTANCE_NAMED = compile_regex(
    r"(?<![\w.-])[a-z](?:[a-z0-9.-]{0,60}[a-z0-9])?(?::[a-z][a-z0-9-]{0,60})?:[a-z]+-[a-z]+\d{1,2}:"
    r"([a-z][a-z0-9-]{0,97})(?![\w-])|"
    r"(?<![\w-])instances/([a-z][a-z0-9-]{0,97})(?![\w-])"
)
"""A managed datastore's instance as its clients name the one they use: a Cloud SQL connection name
(`shop-prod:us-central1:orders-db`, a domain-scoped project's `example.com:shop:us-central1:orders-db`, in a socket path
`/cloudsql/…`, a connector's `instance_connection_name`), or a
resource name (`projects/p/locations/us-central1/instances/sessions`, AlloyDB's `…/clusters/c/instances/primary`)."""


def _names_only_other_instances(change: ChangeMarker, problem: Cluster) -> bool:
    """The problem names the datastore instances its client uses (`_INSTANCE_NAMED`), and the changed one is none of
    them: `billing-db` restarted does not refuse a socket to `/cloudsql/shop-prod:us-central1:orders-db`."""
    named = {found.group(1) or found.group(2) for found in _INSTANCE_NAMED.finditer(_said(problem))}
    return bool(named) and change.resource.lower() not in {name.lower() for name in named}


def _is_datastore_change(change: ChangeMarker) -> bool:
    """A change of a managed datastore (`_DATASTORES`: a Memorystore failover, a Cloud SQL restart)."""
    method = change.method.lower()
    return any(word in method for word, _ in _DATASTORES)


def _runs_only_elsewhere(problem: Cluster, change: ChangeMarker) -> bool:
    """Every sample of the problem whose log names a project is of a project other than the change's, and the
    problem does not name the changed resource qualified by the change's project: a datastore of `shop-staging`
    failed over does not refuse `shop-prod`'s clients (an export of several projects; a shared VPC or a central
    secrets project serves others, a database its own project's, unless a client names it across projects:
    `/cloudsql/shop-data:us-central1:orders-db`)."""
    projects = {sample.project for sample in problem.samples if sample.project}
    return (
        bool(projects)
        and change.project not in projects
        and change.project not in _qualifying_projects(change, problem)
    )


def _describes_only(change: ChangeMarker) -> bool:
    """The change sets only fields that describe the resource (`describes`: its labels, its display name), by its
    update mask, by the body of a patch, or by its method's name (`ClusterManager.SetLabels`,
    `v1.compute.instances.setLabels`): it changed nothing its clients meet."""
    verb = change.method.rpartition(".")[2]
    if verb[:3].lower() == "set" and describes(verb[3:]):
        return True
    fields = [part[len(SCOPE_FIELD) :] for part in change.scope if part.startswith(SCOPE_FIELD)]
    return bool(fields) and all(describes(field) for field in fields)


def _scoped(change: ChangeMarker, tag: str) -> list[str]:
    return [part[len(tag) :] for part in change.scope if part.startswith(tag)]


def _ports_named(text: str) -> set[int]:
    """The ports a failed connection's text names (`_PORT_NAMED`), else its driver's default port (`_CLIENT_PORTS`)."""
    named = {
        int(found.group(2) or found.group(3))
        for found in _PORT_NAMED.finditer(text)
        if found.group(3) or (found.group(1) or "").rpartition(".")[2].lower() not in _SOURCE_FILES
    }
    return named or {int(port) for client, port in _CLIENT_PORTS if client.search(text)}


def _reaches_port(ports: Sequence[str], text: str) -> bool:
    """A failed connection's port (`_ports_named`) is one the firewall rule's `ports` name (a port or a range
    `8000-8100`; `any`: all), or it names none (which is not told)."""
    named = _ports_named(text)
    if not ports or "any" in ports or not named:
        return True
    for port in ports:
        low, _, high = port.partition("-")
        if low.isdigit() and any(int(low) <= p <= int(high if high.isdigit() else low) for p in named):
            return True
    return False


def _dry_run_only(change: ChangeMarker) -> bool:
    """The change's update mask names only dry-run configuration (`_DRY_RUN`: an organization policy's
    `dry_run_spec`; a perimeter's `spec` and `useExplicitDryRunSpec`)."""
    perimeter = _PERIMETER_METHODS.search(change.method) is not None
    fields = [
        part[len(SCOPE_FIELD) :].partition(".")[0].replace("_", "").lower()
        for part in change.scope
        if part.startswith(SCOPE_FIELD)
    ]
    return bool(fields) and all(
        _DRY_RUN in field or (perimeter and field in _PERIMETER_DRY_RUN_FIELDS) for field in fields
    )


def _admits_health_checkers(sources: Sequence[str]) -> bool:
    """A firewall rule of these source ranges may admit or refuse Google's health checkers (`_HEALTH_CHECKERS`): one of
    them overlaps their ranges (`0.0.0.0/0` does), or the audit entry names none (a rule deleted, a patch of its
    ports); a rule for other sources (IAP's `35.235.240.0/20` for SSH) leaves them as they were."""
    if not sources:
        return True
    for text in sources:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return True  # a range not understood: the change is told
        if any(
            network.overlaps(checkers) for checkers in _HEALTH_CHECKERS if network.version == checkers.version
        ):
            return True
    return False


def _reaches_range(ranges: Sequence[str], text: str) -> bool:
    """A failed connection's address (an IPv4 address the text names) is in one of the route's or the egress rule's
    destination `ranges`, or it names none (which is not told)."""
    networks = []
    for text_range in ranges:
        try:
            networks.append(ipaddress.ip_network(text_range, strict=False))
        except ValueError:
            return True  # a range not understood: the change is told as before
    addresses = []
    for found in _IPV4.finditer(text):
        try:
            addresses.append(ipaddress.ip_address(found.group(1)))
        except ValueError:
            continue
    return (
        not networks
        or not addresses
        or any(address in network for address in addresses for network in networks)
    )


def _names_a_record(hosts: Sequence[str], text: str) -> bool:
    """The text names a host the DNS change added or deleted (`ledger.internal.shop`; `*.internal.shop`: any host of
    that domain)."""
    for host in hosts:
        wildcard = host.startswith("*.")
        name = re.escape(host[2:] if wildcard else host)
        before = r"[\w-]\." if wildcard else r"(?<![\w.-])"
        if re.search(rf"{before}{name}(?![\w-]|\.\w)", text, re.IGNORECASE):
            return True
    return False


def _pushed_to(change: ChangeMarker, problems: Sequence[Cluster]) -> bool:
    """A request problem of the service whose Cloud Run URL the changed push subscription now delivers to
    (`pushConfig.pushEndpoint`: `https://fulfil-2u4ksdmv5q-uc.a.run.app/pubsub/v2` and `HTTP 404 on POST /pubsub/v2
    (fulfil)`)."""
    endpoints = " ".join(f"https://{host}/" for host in _scoped(change, SCOPE_ENDPOINT))
    return bool(endpoints) and any(
        c.kind == "request"
        and any(names_service(s.rpartition("/")[2], endpoints, url_only=True) for s in c.services)
        for c in problems
    )


def _routes_to(change: ChangeMarker, problems: Sequence[Cluster]) -> bool:
    """A problem of a backend service the changed URL map routes requests to (`SCOPE_BACKEND`: a load balancer's
    `failed_to_pick_backend` on `api-v2` after `/api/*` was routed to it); the URL map's own name is in no problem."""
    backends = set(_scoped(change, SCOPE_BACKEND))
    return bool(backends) and any(
        service.rpartition("/")[2] in backends for c in problems for service in c.services
    )


def _said(cluster: Cluster) -> str:
    """The problem's title, message and the first line of its first sample: a structured log's message that its
    exception replaced as the problem's message (`publish to projects/p/topics/order-events failed: …` logged with
    the client's `Error: 7 PERMISSION_DENIED: …`)."""
    first = cluster.samples[0].message.partition("\n")[0][:_TEXT_HEAD] if cluster.samples else ""
    return f"{cluster.title}\n{cluster.message}\n{first}"


def _named_after(resource: str, service: str) -> bool:
    """The resource's name is the service's followed by what it is for (`pricing-flags` of `shop/pricing`,
    `orders-db` of `orders`): a ConfigMap, a secret, a database of that service."""
    name = service.lower().rpartition("/")[2].rpartition(":")[2]
    return len(name) >= CHANGE_MIN_NAME and resource.startswith(f"{name}-")


def _concerns_by_kind(change: ChangeMarker, problems: Sequence[Cluster]) -> bool:
    """A change of a kind that fails problems of one kind, which names no resource they name: a Cloud DNS
    change (`dns.changes.create`) and a host name that does not resolve; a GKE node pool's update or resize
    (`…ClusterManager.UpdateNodePool`: its nodes drained and recreated) and a Kubernetes workload's containers
    exiting or failing their probes in that pool's cluster (`ChangeMarker.elsewhere`), or its pods no node can take
    (`_UNSCHEDULABLE`: the pool resized, its autoscaling bounded, or deleted); a whole project's (folder's, organization's) IAM policy set and a call
    refused for want of a permission (a resource's own policy is told only when a problem names it; a policy
    change that only adds bindings refuses nothing); a service account's IAM policy
    (`google.iam.admin.v1.SetIAMPolicy`, its resource a numeric id) and a call refused one of the permissions
    it grants (`Permission 'iam.serviceAccounts.signBlob' denied`); a secret's new, disabled or destroyed
    version and a credential refused (`password authentication failed`, `Invalid API Key`); a service account's
    key deleted or disabled, or the account itself (`_ACCOUNT_CREDENTIAL_METHODS`), and a credential refused
    (`invalid_grant: Invalid JWT Signature.`); a VPC firewall rule's or route's change and connections that time out or are refused; a
    managed datastore's change (a Memorystore failover, a Cloud SQL restart, its server CA rotated) and its
    clients' connections failing (`redis.exceptions.ConnectionError: … Connection refused`, a certificate they no
    longer verify) or their credentials refused after a change of its users or settings (`_fails_as_changed`), or
    their writes refused by what is now a replica (`READONLY You can't write against a read only replica.`:
    `_WRITE_REFUSED_BY_REPLICA`); of a Cloud SQL instance whose own logs show its engine, only that engine's clients
    and refusals (`_SQL_ENGINES`); a Spanner database's schema change (`UpdateDatabaseDdl`) and its clients' queries
    naming what it no longer has (`Unrecognized name: ShippingNotes`); a GKE cluster's control plane changed
    (`…ClusterManager.UpdateMaster`) and that cluster's pods failing to reach the Kubernetes API server
    (`dial tcp 10.16.0.1:443: connect: connection refused`); a load balancer's certificate swapped
    (`targetHttpsProxies.setSslCertificates`) and clients refusing a certificate as not for their host
    (`_CERTIFICATE_NOT_FOR_HOST`); an API key restricted or deleted (`ApiKeys.UpdateKey`) and calls refused their key
    (`API key not valid`, `Requests to this API … are blocked`); a backend service's health check changed, or a
    firewall rule that admits Google's health checkers (`_admits_health_checkers`), and a load balancer finding no
    healthy backend (`failed_to_pick_backend`); a VPC Service Controls perimeter changed, unless only its dry-run
    configuration, and the calls it refuses (`Request is prohibited by organization's policy.`); a subnet's Private
    Google Access turned off and calls to Google's APIs that time out (`Connection to oauth2.googleapis.com timed
    out.`); a Serverless VPC Access connector changed or deleted and the connections of Cloud Run services, functions
    and App Engine apps that time out or fail; a URL map routing requests to a backend service (`_routes_to`) and that
    backend's failures at the load balancer."""
    heads = [f"{c.title}\n{c.message}"[:_TEXT_HEAD] for c in problems]
    if change.method.startswith("dns."):
        hosts = _scoped(change, SCOPE_HOST)
        return any(
            _NAME_NOT_RESOLVED.search(head) and (not hosts or _names_a_record(hosts, head)) for head in heads
        )
    if change.method.endswith("SetIamPolicy") and change.resource.startswith(_HIERARCHY_NODE):
        return not change.grants_only and any(
            _refused_its_call(c, head) and not _calls_only_other_hosts(head)
            for c, head in zip(problems, heads, strict=True)
        )
    if change.method.startswith("google.iam.admin.") and change.method.lower().endswith("setiampolicy"):
        return any(
            _SERVICE_ACCOUNT_PERMISSION in head and _refused_its_call(c, head)
            for c, head in zip(problems, heads, strict=True)
        )
    if any(part in change.method for part in _SECRET_METHODS) or _ACCOUNT_CREDENTIAL_METHODS.search(
        change.method
    ):
        return any(
            _AUTHENTICATION_FAILED.search(head) and _in_namespace(change, c)
            for c, head in zip(problems, heads, strict=True)
        )
    if _NETWORK_METHODS.search(change.method):
        ports, ranges = _scoped(change, SCOPE_PORT), _scoped(change, SCOPE_DESTINATION)
        health_checked = _admits_health_checkers(_scoped(change, SCOPE_SOURCE))
        return any(
            _in_namespace(change, c)
            and (
                (
                    (_UNREACHABLE.search(head) or _CONNECTION_FAILED.search(head))
                    and _reaches_port(ports, f"{head}\n{c.stack_pattern or ''}"[: 2 * _TEXT_HEAD])
                    and _reaches_range(ranges, head)
                )
                or (health_checked and _NO_HEALTHY_BACKEND.search(head) is not None)
            )
            for c, head in zip(problems, heads, strict=True)
        )
    if _HEALTH_CHECK_METHODS.search(change.method):
        return any(_NO_HEALTHY_BACKEND.search(head) for head in heads)
    if _PERIMETER_METHODS.search(change.method):
        return any(_PERIMETER_REFUSED.search(head) for head in heads)
    if _PRIVATE_ACCESS_METHODS.search(change.method):
        return any(_UNREACHABLE.search(head) and _GOOGLE_API_HOST.search(head) for head in heads)
    if _CONNECTOR_METHODS.search(change.method):
        return any(
            (_UNREACHABLE.search(head) or _CONNECTION_FAILED.search(head))
            and any(log.split(" ", 1)[0] in _SERVERLESS_RESOURCES for log in c.logs)
            for c, head in zip(problems, heads, strict=True)
        )
    if _pushed_to(change, problems) or _routes_to(change, problems):
        return True
    method = change.method.lower()
    for word, client in _DATASTORES:
        if word in method:
            refused = _WRITE_REFUSED_BY_REPLICA.get(word)  # Memcache has no replica to refuse a write
            limits = _LIMIT_REFUSED_BY.get(word)
            if word == "sql" and change.engine in _SQL_ENGINES:
                client, refused = _SQL_ENGINES[change.engine]
                limits = _ENGINE_LIMITS[change.engine]
            settings = method.rpartition(".")[2].startswith(_SETTINGS_METHODS)
            pooled = word in _POOLED_DATASTORES and _USERS_METHOD not in method
            return any(
                _fails_as_changed(method, client, f"{head}\n{c.stack_pattern or ''}"[: 2 * _TEXT_HEAD])
                or (pooled and POOL_TIMED_OUT.search(head) is not None)
                or (refused is not None and refused.search(head))
                or (settings and limits is not None and limits.search(head))
                for c, head in zip(problems, heads, strict=True)
            )
    if _CERTIFICATE_METHODS.search(change.method):
        return any(_CERTIFICATE_NOT_FOR_HOST.search(head) for head in heads)
    if _API_KEY_METHODS.search(change.method):
        return any(_API_KEY_REFUSED.search(head) for head in heads)
    if _ARTIFACT_DELETED.search(change.method):
        return any(_IMAGE_PULL_FAILED.search(head) and _names_the_image(change, head) for head in heads)
    if _DENY_POLICY_METHODS.search(change.method):
        permissions = _scoped(change, SCOPE_PERMISSION)
        return any(
            _refused_its_call(c, head)
            and _of_its_project(change, c)
            and _names_a_permission(permissions, head)
            for c, head in zip(problems, heads, strict=True)
        )
    if _MESSAGE_SCHEMA_METHODS.search(change.method) and _sets_a_schema(change):
        return any(
            _SCHEMA_VALIDATION_FAILED.search(head) and _of_its_project(change, c)
            for c, head in zip(problems, heads, strict=True)
        )
    if change.method.endswith(_SCHEMA_METHODS):
        return any(_names_what_the_schema_lost(c) for c in problems)
    if (
        change.method.startswith(GKE_METHOD)
        and change.cluster is not None
        and "NodePool" not in change.method
    ):
        return any(
            _KUBERNETES_API.search(head)
            and (_CONNECTION_FAILED.search(head) or _UNREACHABLE.search(head))
            and any(log.split(" ", 1)[0] in KUBERNETES_RESOURCES for log in c.logs)
            for c, head in zip(problems, heads, strict=True)
        )
    if "NodePool" in change.method.rsplit(".", 1)[-1]:
        return any(
            (role(c) in (EXIT, PROBE) or _UNSCHEDULABLE.search(head) is not None)
            and c.fingerprint not in change.elsewhere
            and any(log.split(" ", 1)[0] in KUBERNETES_RESOURCES for log in c.logs)
            for c, head in zip(problems, heads, strict=True)
        )
    return False


def _names_the_image(change: ChangeMarker, text: str) -> bool:
    """The pulled image is the package the deleted tag or version was of (`ChangeMarker.parent`), or the deleted
    package itself: `…/apps/search-api:2.3.0` or `…/apps/search-api@sha256:…` for a version of `search-api`."""
    package = change.resource if change.collection == "packages" else change.parent
    if not package:
        return False
    return re.search(rf"/{re.escape(package)}[:@\"']", text, re.IGNORECASE) is not None


def _of_its_project(change: ChangeMarker, problem: Cluster) -> bool:
    """The problem's samples are of the changed resource's project, or say none, or the change names none: a deny
    policy or a message schema of `shop-staging` refuses nothing of `shop-prod`."""
    projects = {sample.project for sample in problem.samples if sample.project}
    return change.project is None or not projects or change.project in projects


def _refused_its_call(problem: Cluster, head: str) -> bool:
    """A call the problem's service made refused for want of a permission (`_PERMISSION_DENIED`), which an IAM
    policy may explain; not a database's privilege (`_DATABASE_PRIVILEGE_REFUSED`) nor a refusal it answered a
    request with (`_ANSWERED_REFUSAL`, `_SERVER_REFUSALS`): a request problem's own status (`HTTP 403 on POST
    /v1/refunds`) is read only in what its platform said of it (Cloud Run's `The request was not authorized to
    invoke this service.`)."""
    text = problem.message[:_TEXT_HEAD] if problem.kind == "request" else head
    if _PERMISSION_DENIED.search(text) is None:
        return False
    text = _FILE_SYSTEM_REFUSAL.sub(" ", text)  # (a file's refusal beside an API's: the API's is read)
    return (
        _PERMISSION_DENIED.search(text) is not None
        and _ANSWERED_REFUSAL.search(text) is None
        and _DATABASE_PRIVILEGE_REFUSED.search(text) is None
        and not any(name in text for name in _SERVER_REFUSALS)
    )


def _calls_only_other_hosts(text: str) -> bool:
    """The refused call names URLs, none of them a host Google's IAM guards (a Google API's, `_GOOGLE_API_HOST`, or
    a Cloud Run service's or a function's, which check their invoker's role): a project's (folder's, organization's)
    IAM policy grants only those, so a partner's `403 Client Error: Forbidden for url: https://api.partner.example/…`
    is not its refusal."""
    hosts = url_hosts(text)
    return bool(hosts) and not any(
        _GOOGLE_API_HOST.fullmatch(host) or host.endswith(_INVOKED_HOSTS) for host in hosts
    )


def _names_a_permission(permissions: Sequence[str], text: str) -> bool:
    """The refused call names a permission the deny policy denies (`storage.objects.delete`; a `*` of the policy's
    stands for any part), or the policy's request names none, or the text names no permission (both told)."""
    if not permissions:
        return True
    named = {
        found.group(0).lower()
        for found in _PERMISSION_NAME.finditer(text)
        if found.group(0).rpartition(".")[2] not in _HOST_ENDINGS and ".googleapis." not in found.group(0)
    }
    if not named:
        return True
    patterns = [re.compile(re.escape(p.lower()).replace(r"\*", r"[\w.]*") + "$") for p in permissions]
    return any(pattern.match(name) for pattern in patterns for name in named)


_PERMISSION_NAME = compile_regex(
    r"\b[a-z][a-zA-Z0-9]{1,40}\.[a-z][a-zA-Z0-9]{1,60}\.[a-z][a-zA-Z0-9]{1,60}\b"
)
"""An IAM permission a refused call names (`storage.objects.delete`, `bigquery.tables.getData`); a host of three
labels has this shape too (`storage.googleapis.com`, `api.shop.com`: `_HOST_ENDINGS`)."""
_HOST_ENDINGS = frozenset({"com", "net", "org", "io", "dev", "app", "cloud", "internal", "local"})


def _sets_a_schema(change: ChangeMarker) -> bool:
    """A schema's change, or a topic's update whose mask names its schema settings (a labels update changes none)."""
    if not change.method.endswith(".UpdateTopic"):
        return True
    fields = [field.replace("_", "").lower() for field in _scoped(change, SCOPE_FIELD)]
    return any(field.startswith("schemasettings") for field in fields)


def _names_what_the_schema_lost(problem: Cluster) -> bool:
    """A Spanner client's query naming a column, table or index its database's schema does not have."""
    text = f"{problem.title}\n{problem.message}\n{problem.stack_pattern or ''}"[: 2 * _TEXT_HEAD]
    return _SPANNER_CLIENT.search(text) is not None and _SCHEMA_NAME_UNKNOWN.search(text) is not None


def _read_in_its_namespace_only(change: ChangeMarker) -> bool:
    """The changed Kubernetes object is one a pod reads only from its own namespace (`_POD_LOCAL_OBJECTS`): a
    ConfigMap of `shop-staging` named after a workload (`checkout-config`) is not what `shop/checkout` loads."""
    parts = change.method.rsplit(".", 2)
    return change.namespace is not None and len(parts) == 3 and parts[1] in _POD_LOCAL_OBJECTS


def _in_namespace(change: ChangeMarker, problem: Cluster) -> bool:
    """The problem ran in the changed Kubernetes object's namespace (`shop/mailer` for a Secret of `shop`), or the
    change is of no namespace (a Secret Manager secret serves the whole project)."""
    namespace = change.namespace
    return namespace is None or any(service.startswith(f"{namespace}/") for service in problem.services)


def _fails_as_changed(method: str, client: re.Pattern[str], text: str) -> bool:
    """A client of the changed datastore (`client`: its engine's words, in the message or the stack, which names the
    library when the message does not: `node_modules/@redis/client/…`, a Java `Caused by:`) failing as a change of
    that kind fails it: its credentials refused by a change of its users (`cloudsql.users.update`) or of its settings
    (`…CloudRedis.UpdateInstance` turning AUTH on, `cloudsql.instances.patch`) or refused for a limit those settings
    set (`_LIMIT_REFUSED`: `OOM command not allowed`, `Too many connections`), its connection lost by any change but
    a change of its users (a restart, a failover, an upgrade, a rotated server CA, a settings change)."""
    if not client.search(text):
        return False
    last = method.rpartition(".")[2]
    users = _USERS_METHOD in method
    if _LIMIT_REFUSED.search(text):
        return last.startswith(_SETTINGS_METHODS)
    if _CREDENTIAL_REFUSED.search(text):
        return users or last.startswith(_SETTINGS_METHODS)
    return not users and _DATASTORE_CONNECTION_FAILED.search(text) is not None


def _story(
    root: Cluster,
    members: list[Cluster],
    links: list[Link],
    deploys: list[DeployMarker],
    changes: list[ChangeMarker],
    services: list[str],
    suspect: tuple[Cluster, SuspectRevision] | None,
    origin: set[str],
) -> str:
    places = ", ".join(root.services) or "an unknown service"
    parts = [
        f"At {_time(root.first_seen)} {_q(root.title)} starts ({root.priority}, {root.count} "
        f"entr{'y' if root.count == 1 else 'ies'} in {places} until {_time(root.last_seen)})"
        + (", the root cause." if links else "; no other problem is linked to it.")
    ]
    if root.suspect_revision is not None:
        parts.append(_sentence(root.suspect_revision.evidence))
    elif suspect is not None:
        parts.append(_sentence(f"{_q(suspect[0].title)} is {suspect[1].evidence}"))
    origin_names = {service.lower() for service in origin}
    for deploy in deploys:
        by = f" by {deploy.principal}" if deploy.principal else ""
        method = deploy.method.rsplit(".", 1)[-1]
        followed = (
            ""
            if (deploy.service or "").lower() in origin_names
            else ", but its problems here follow another service's failure"
        )
        parts.append(
            f"{_q(deploy.service or '')} was deployed at {_time(deploy.timestamp)}{by} ({method}){followed}."
        )
    for change in changes:
        by = f" by {change.principal}" if change.principal else ""
        parts.append(
            f"{_q(change.resource)} was changed at {_time(change.timestamp)}{by} ({_q(change.method)})."
        )
    for link in links:
        parts.extend(_sentence(text) for text in link.evidence)
    if len(members) > 1:
        parts.append(f"{len(members)} problems in {', '.join(services) or 'unknown services'}.")
    return " ".join(parts)


def build_incidents(
    clusters: Sequence[Cluster],
    links: Sequence[Link],
    deploys: Sequence[DeployMarker],
    changes: Sequence[ChangeMarker] = (),
) -> tuple[list[Cluster], list[Incident]]:
    """Incidents (most urgent first) and the clusters with their incident id."""
    incidents: list[Incident] = []
    membership: dict[str, str] = {}
    for members in _components(clusters, links):
        fingerprints = {c.fingerprint for c in members}
        inner = [link for link in links if link.cause in fingerprints and link.effect in fingerprints]
        caused = {link.effect for link in inner}
        roots = [c for c in members if c.fingerprint not in caused] or members
        root = min(roots, key=_urgency)
        ordered_links = _walk(root.fingerprint, inner)
        order = [root.fingerprint] + [link.effect for link in ordered_links]
        order += [c.fingerprint for c in sorted(members, key=_urgency)]
        problems = list(dict.fromkeys(order))
        services = sorted({s for c in members for s in c.services})
        start = min(c.first_seen for c in members)
        suspect = _suspect(root, members, inner)
        origin = _origin_services(members, inner) | ({suspect[1].service} if suspect else set())
        projects = {sample.project for c in members for sample in c.samples if sample.project}
        relevant = _deploys_before(deploys, set(services), start, projects)
        changed = _changes_before(changes, members, start)
        incident_id = f"incident-{root.fingerprint}"
        for fingerprint in problems:
            membership[fingerprint] = incident_id
        incidents.append(
            Incident(
                id=incident_id,
                root=root.fingerprint,
                title=root.title,
                priority=root.priority,
                start=start,
                end=max(c.last_seen for c in members),
                problems=problems,
                services=services,
                revisions=sorted({r for c in members for r in c.revisions}),
                suspect_revision=suspect[1].revision if suspect else None,
                deploys=relevant,
                changes=changed,
                links=ordered_links,
                story=_story(root, members, ordered_links, relevant, changed, services, suspect, origin),
            )
        )
    incidents.sort(key=lambda i: (_PRIORITY_RANK.get(i.priority, 4), i.start, i.root))
    return [c.model_copy(update={"incident": membership.get(c.fingerprint)}) for c in clusters], incidents
