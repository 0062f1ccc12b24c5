export const id = 777;
export const ids = [777];
export const modules = {

/***/ 6145:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RI: () => (/* binding */ iamPath),
/* harmony export */   VQ: () => (/* binding */ iamRoleArn),
/* harmony export */   f0: () => (/* binding */ iamPolicyArn),
/* harmony export */   iQ: () => (/* binding */ partitionOf),
/* harmony export */   iw: () => (/* binding */ oidcProviderArn),
/* harmony export */   mU: () => (/* binding */ iamRoleArnWithoutPath),
/* harmony export */   tD: () => (/* binding */ looksLikeArnOrUrl)
/* harmony export */ });
/* harmony import */ var _regions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(736);
/** ARNs of the IAM things the action manages, built from names (the plan knows them before they exist). */

/** The partition of a region: aws, aws-cn, aws-us-gov, aws-iso... (aws for a name that is no region's). */
function partitionOf(region) {
    return (0,_regions_js__WEBPACK_IMPORTED_MODULE_0__/* .partitionOfRegion */ .cn)(region)?.id ?? 'aws';
}
/** An IAM path in the form IAM stores: `/` or `/a/b/`. */
function iamPath(path) {
    if (!path || path === '/')
        return '/';
    return `/${path.replace(/^\/+|\/+$/g, '')}/`;
}
function iamRoleArn(scope, name, path) {
    return `arn:${scope.partition}:iam::${scope.accountId}:role${iamPath(path)}${name}`;
}
/**
 * The role ARN as the aws-auth ConfigMap wants it: without the path. The EKS authenticator compares the
 * path-less form of the caller's role, so a mapping that names the path never matches.
 */
function iamRoleArnWithoutPath(scope, name) {
    return `arn:${scope.partition}:iam::${scope.accountId}:role/${name}`;
}
function iamPolicyArn(scope, name, path) {
    return `arn:${scope.partition}:iam::${scope.accountId}:policy${iamPath(path)}${name}`;
}
function oidcProviderArn(scope, issuerHostPath) {
    return `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/${issuerHostPath}`;
}
/** True for `arn:...` and `https://...` values where a plain name is expected. */
function looksLikeArnOrUrl(value) {
    return /^arn:|^https?:\/\//i.test(value);
}


/***/ }),

/***/ 6484:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   En: () => (/* binding */ paginate),
/* harmony export */   Ko: () => (/* binding */ ignoreNotFound),
/* harmony export */   Pp: () => (/* binding */ describeAwsError),
/* harmony export */   Tw: () => (/* binding */ tagList),
/* harmony export */   U3: () => (/* binding */ AwsHttpError),
/* harmony export */   ZH: () => (/* binding */ awsErrorName),
/* harmony export */   c4: () => (/* binding */ isNotFound),
/* harmony export */   lD: () => (/* binding */ tagMap),
/* harmony export */   m_: () => (/* binding */ isAwsError),
/* harmony export */   nG: () => (/* binding */ httpStatus),
/* harmony export */   vd: () => (/* binding */ iamPage)
/* harmony export */ });
/**
 * The mechanics every AWS call shares: error names, "not found", pagination, and tags in the two shapes the services
 * use (a list of {Key, Value} for IAM, EC2 and EventBridge; a plain map for SQS and EKS).
 */
/**
 * A service's refusal to one of our own plain-HTTPS calls (STS's web identity exchange, the EC2 reads): its error code
 * as `name` and the HTTP status in `$metadata`, as SDK errors carry them; or a failed exchange (`fromConnection`).
 */
class AwsHttpError extends Error {
    name;
    $metadata;
    code;
    constructor(name, message, $metadata, code) {
        super(message);
        this.name = name;
        this.$metadata = $metadata;
        this.code = code;
    }
    /**
     * The connection failed (reset, refused, timed out...): its code, as `name` and `code`, says which, and whether to
     * try again.
     */
    static fromConnection(e, prefix = '') {
        const code = e.code ?? 'NetworkError';
        return new this(code, `${prefix}${e.message}`, { httpStatusCode: 0 }, code);
    }
}
/** The error name of an AWS SDK error (e.g. NoSuchEntity), or undefined. */
function awsErrorName(e) {
    const name = e?.name;
    return typeof name === 'string' ? name : undefined;
}
/** True when the error's name is one of `names`. */
function isAwsError(e, ...names) {
    const name = awsErrorName(e);
    return name !== undefined && names.includes(name);
}
/** The HTTP status of an AWS SDK error's answer, or undefined. */
function httpStatus(e) {
    return e?.$metadata?.httpStatusCode;
}
/** `Name: message`, or the message alone when it already starts with the name. */
function describeAwsError(e) {
    const name = awsErrorName(e);
    const message = e instanceof Error ? e.message : String(e);
    return name && !message.startsWith(name) ? `${name}: ${message}` : message;
}
function isNotFound(e) {
    return (/NoSuchEntity|NotFound|NonExistent|ResourceNotFound|NoSuchKey|QueueDoesNotExist/.test(awsErrorName(e) ?? '') ||
        httpStatus(e) === 404);
}
/** The call's answer, or undefined when what it names does not exist. */
async function ignoreNotFound(call) {
    try {
        return await call;
    }
    catch (e) {
        if (isNotFound(e))
            return undefined;
        throw e;
    }
}
/** Every item of a paginated listing, following its token to the end. */
async function paginate(page) {
    const out = [];
    let token;
    do {
        const p = await page(token);
        out.push(...p.items);
        token = p.next;
    } while (token);
    return out;
}
/** IAM's pagination: the next marker only when the answer says it is truncated. */
function iamPage(items, out) {
    return { items: items ?? [], next: out.IsTruncated ? out.Marker : undefined };
}
function tagList(tags) {
    return Object.keys(tags)
        .sort()
        .map((Key) => ({ Key, Value: tags[Key] }));
}
function tagMap(list) {
    const out = {};
    for (const t of list ?? [])
        if (t.Key)
            out[t.Key] = t.Value ?? '';
    return out;
}


/***/ }),

/***/ 201:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ke: () => (/* binding */ loadWriteClients),
/* harmony export */   Te: () => (/* binding */ sessionCredentials),
/* harmony export */   b2: () => (/* binding */ clients)
/* harmony export */ });
/* unused harmony exports isMutating, environmentCredentials */
const READ_ONLY = /^(Get|List|Describe|Head|Lookup)/;
function isMutating(command) {
    return !READ_ONLY.test(command.replace(/Command$/, ''));
}
/**
 * Shared settings: region, the SDK's own retries (jittered backoff, its classification of throttling and transient
 * errors), the endpoint from AWS_ENDPOINT_URL (read by the SDK).
 */
function clientConfig(session, region = session.region) {
    return { region, maxAttempts: 6, ...(session.credentials ? { credentials: session.credentials } : {}) };
}
function recording(service, client, recorder) {
    if (!recorder)
        return client;
    client.middlewareStack.add((next, ctx) => async (args) => {
        const command = (ctx.commandName ?? 'Unknown').replace(/Command$/, '');
        const mutating = isMutating(command);
        // A read's input (names and ids, never a secret) lets the bench replay the reads of a plan one by one.
        recorder.awsCall({
            service,
            command,
            mutating,
            ...(mutating ? {} : { input: args.input }),
        });
        return next(args);
    }, { step: 'initialize', name: 'karpenterActionCallRecorder' });
    return client;
}
/** The clients of each session, by service (and region): one of each, made when first asked for. */
const made = new WeakMap();
/** A client factory for one service; its SDK package is loaded only when first used (start-up stays fast). */
function factory(service, load, extra = () => ({})) {
    return (session, region = session.region) => {
        let clients = made.get(session);
        if (!clients)
            made.set(session, (clients = new Map()));
        const key = `${service}|${region}`;
        let client = clients.get(key);
        if (!client) {
            const Client = load();
            client = Client.then((C) => recording(service, new C({ ...clientConfig(session, region), ...extra() }), session.recorder));
            clients.set(key, client);
        }
        return client;
    };
}
const clients = {
    sts: factory('sts', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(695)]).then(__webpack_require__.t.bind(__webpack_require__, 1695, 19))).STSClient),
    iam: factory('iam', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19))).IAMClient),
    eks: factory('eks', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19))).EKSClient),
    sqs: factory('sqs', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(868)]).then(__webpack_require__.t.bind(__webpack_require__, 8868, 19))).SQSClient),
    events: factory('events', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(612)]).then(__webpack_require__.t.bind(__webpack_require__, 6612, 19))).EventBridgeClient),
    // Path-style addressing keeps bucket names out of host names (needed for a local endpoint).
    s3: factory('s3', async () => (await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19))).S3Client, () => ({ forcePathStyle: !!process.env.AWS_ENDPOINT_URL })),
};
/**
 * The environment's static credentials, as the SDK's default chain takes them first: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), unless AWS_PROFILE names a profile to use instead.
 */
function environmentCredentials(env = process.env) {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (env.AWS_PROFILE || !accessKeyId || !secretAccessKey)
        return undefined;
    const sessionToken = env.AWS_SESSION_TOKEN;
    const expiration = env.AWS_CREDENTIAL_EXPIRATION;
    return {
        accessKeyId,
        secretAccessKey,
        ...(sessionToken ? { sessionToken } : {}),
        ...(expiration ? { expiration: new Date(expiration) } : {}),
    };
}
/**
 * The session's credentials: the assumed role's; else the environment's (no SDK loaded for them); else whatever
 * the rest of the SDK's default chain finds (a profile, SSO, the container or instance metadata...).
 */
async function sessionCredentials(session) {
    if (session.credentials)
        return session.credentials;
    const fromEnvironment = environmentCredentials();
    if (fromEnvironment)
        return fromEnvironment;
    const sts = await clients.sts(session);
    return sts.config.credentials();
}
/** The SDK client each kind of AWS resource changes through (its reads are our own: src/aws/*-query.ts). */
const WRITE_CLIENTS = {
    'iam-role': 'iam',
    'iam-policy': 'iam',
    'iam-instance-profile': 'iam',
    'iam-oidc-provider': 'iam',
    'sqs-queue': 'sqs',
    'event-rule': 'events',
    'eks-access-entry': 'eks',
    'eks-pod-identity': 'eks',
};
/**
 * Starts loading the SDK clients the planned changes will write through (resource ids `<kind>.<name>`), while the
 * lock is taken and the plan confirmed: loading a client's code takes the one JavaScript thread for tens of
 * milliseconds, better spent while waiting on the lock's requests than before the first change. Nothing is sent.
 */
function loadWriteClients(aws, ids) {
    const quiet = () => undefined;
    const wanted = new Set(ids.map((id) => WRITE_CLIENTS[id.slice(0, id.indexOf('.'))]).filter(Boolean));
    for (const service of wanted)
        void clients[service](aws).catch(quiet);
}


/***/ }),

/***/ 1429:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Y0: () => (/* binding */ assumeRoleWithOidc),
  Xr: () => (/* binding */ callerAccount),
  Ot: () => (/* binding */ environmentSession)
});

// UNUSED EXPORTS: CredentialsError, checkOidcPreconditions, sessionName, tokenClaims

// EXTERNAL MODULE: ./src/outcome.ts
var outcome = __webpack_require__(4671);
// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(9809);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
// EXTERNAL MODULE: ./src/workflow-run.ts
var workflow_run = __webpack_require__(9586);
// EXTERNAL MODULE: ./src/aws/arns.ts
var arns = __webpack_require__(6145);
// EXTERNAL MODULE: ./src/aws/calls.ts
var calls = __webpack_require__(6484);
// EXTERNAL MODULE: ./src/aws/regions.ts
var regions = __webpack_require__(736);
// EXTERNAL MODULE: ./src/aws/signed-call.ts + 1 modules
var signed_call = __webpack_require__(9865);
;// CONCATENATED MODULE: ./src/aws/sts-web-identity.ts
/**
 * STS AssumeRoleWithWebIdentity over plain HTTPS. The call is unsigned (the OIDC token is the proof), so it
 * needs no SDK: sparing the STS client's load keeps start-up short. Honors AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL like the SDK. Errors carry the STS error code as `name`, as SDK errors do.
 */





/** STS's refusal (its error code as `name`), or a failed exchange (the connection's error code as `name` and `code`). */
class StsError extends calls/* AwsHttpError */.U3 {
}
/** A region or endpoint that would send the token elsewhere than STS (reason `config`); nothing is sent. */
class StsEndpointError extends outcome/* ActionFailure */.dR {
    constructor(message) {
        super('config', message);
        this.name = 'StsEndpointError';
    }
}
/**
 * The STS endpoint of a region: https://sts.<region>.<partition's DNS suffix>/, built only from a region name of the
 * exact shape of one (src/aws/regions.ts), or the origin AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL names where set.
 * The URL is parsed back and its host compared with the one intended, so no region can steer the token elsewhere.
 */
function stsTarget(region, env = process.env) {
    const problem = (0,regions/* regionProblem */.Og)(region);
    if (problem)
        throw new StsEndpointError(`The AWS region ${problem} (the \`aws-region\` input or cluster.region).`);
    const custom = (0,regions/* configuredEndpoint */.iw)('STS', env, (message) => new StsEndpointError(message));
    if (custom)
        return { url: custom.href, host: custom.host };
    const host = `sts.${region}.${(0,regions/* partitionOfRegion */.cn)(region).dnsSuffix}`;
    return { url: checkedTarget(`https://${host}/`, host), host };
}
/** `url` when it is https (or http for a custom endpoint) to exactly `host`; a StsEndpointError otherwise. */
function checkedTarget(url, host) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new StsEndpointError(`the STS endpoint ${JSON.stringify(url)} is not a URL`);
    }
    if (parsed.host !== host || parsed.username || parsed.password || !/^https?:$/.test(parsed.protocol)) {
        throw new StsEndpointError(`the STS endpoint ${JSON.stringify(url)} does not lead to ${host}: nothing was sent`);
    }
    return parsed.href;
}
/** The STS endpoint's URL (see stsTarget). */
function stsEndpoint(region, env = process.env) {
    return stsTarget(region, env).url;
}
const entities = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function xmlText(xml, tag) {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
    return m?.[1].replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => entities[e]);
}
async function assumeRoleWithWebIdentity(req) {
    const body = new URLSearchParams({
        Action: 'AssumeRoleWithWebIdentity',
        Version: '2011-06-15',
        RoleArn: req.roleArn,
        RoleSessionName: req.sessionName,
        WebIdentityToken: req.token,
        DurationSeconds: String(req.durationSeconds),
    }).toString();
    // The token goes to the STS host of the region (or the configured endpoint), checked once more right here.
    const target = stsTarget(req.region);
    const url = checkedTarget(target.url, target.host);
    let answer;
    try {
        answer = await (0,runner/* httpCall */.b3)(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Accept: 'text/xml' },
            body,
            timeoutMs: req.timeoutMs,
        });
    }
    catch (e) {
        throw StsError.fromConnection(e);
    }
    const refused = stsRefusal(answer);
    if (refused)
        throw refused;
    const accessKeyId = xmlText(answer.body, 'AccessKeyId');
    const secretAccessKey = xmlText(answer.body, 'SecretAccessKey');
    const sessionToken = xmlText(answer.body, 'SessionToken');
    if (!accessKeyId || !secretAccessKey || !sessionToken) {
        throw new StsError('InvalidResponse', 'STS answered AssumeRoleWithWebIdentity without credentials', {
            httpStatusCode: answer.status,
        });
    }
    const expiration = xmlText(answer.body, 'Expiration');
    return { accessKeyId, secretAccessKey, sessionToken, ...(expiration ? { expiration: new Date(expiration) } : {}) };
}
/** STS's refusal in its Query answer: `<ErrorResponse><Error><Code>..</Code><Message>..</Message>..`. */
function stsRefusal(answer) {
    if (answer.status === 200)
        return undefined;
    const code = xmlText(answer.body, 'Code') ?? (answer.status === 429 ? 'Throttling' : `HTTP${answer.status}`);
    const message = xmlText(answer.body, 'Message') ?? `STS answered ${answer.status}`;
    const requestId = xmlText(answer.body, 'RequestId');
    return new StsError(code, message, { httpStatusCode: answer.status, ...(requestId ? { requestId } : {}) });
}
/** STS GetCallerIdentity as a signed Query request of our own (no SDK client to load for one call). */
async function getCallerIdentity(session) {
    return (0,signed_call/* signedCall */.pA)(session, { endpointId: 'STS', name: 'sts' }, {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
        command: 'GetCallerIdentity',
        input: {},
    }, (answer) => {
        const refused = stsRefusal(answer);
        if (refused)
            throw refused;
        return { Account: xmlText(answer.body, 'Account'), Arn: xmlText(answer.body, 'Arn') };
    }, StsError);
}

;// CONCATENATED MODULE: ./src/aws/credentials.ts







/** No usable AWS credentials (reason `credentials`). */
class CredentialsError extends outcome/* ActionFailure */.dR {
    constructor(message) {
        super('credentials', message);
        this.name = 'CredentialsError';
    }
}
/** A role session name from the repository and run: 2–64 characters of [\w+=,.@-]. */
function sessionName(repository = process.env.GITHUB_REPOSITORY, runId = process.env.GITHUB_RUN_ID) {
    const repo = (repository ?? 'local').replace(/[^\w+=,.@-]/g, '-');
    const run = (runId ?? String(process.pid)).replace(/[^\w+=,.@-]/g, '');
    const suffix = `@${run}`;
    const name = `ka-${repo}`.slice(0, 64 - suffix.length) + suffix;
    return name.length >= 2 ? name : 'karpenter-action';
}
/** The claims of a JWT, without verifying it (for error messages only). */
function tokenClaims(token) {
    try {
        const payload = token.split('.')[1] ?? '';
        return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    }
    catch {
        return {};
    }
}
/** Refuses early, with one clear message per cause, what would fail obscurely later. */
function checkOidcPreconditions(env = process.env) {
    const pullRequest = env.GITHUB_EVENT_NAME?.startsWith('pull_request') && env.GITHUB_EVENT_NAME !== 'pull_request_target';
    if (pullRequest && (0,workflow_run/* isForkPullRequest */.B7)((0,workflow_run/* readEventPayload */.N5)(env.GITHUB_EVENT_PATH), env.GITHUB_REPOSITORY)) {
        throw new CredentialsError('This run is for a pull request from a fork: GitHub gives such runs no OIDC token, so `role-to-assume` cannot work. ' +
            'Run the plan for forks from `pull_request_target` with care, or leave forks to a maintainer.');
    }
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        throw new CredentialsError('No GitHub OIDC token is available (ACTIONS_ID_TOKEN_REQUEST_URL is not set). ' +
            'Did you grant the workflow `permissions: id-token: write`?');
    }
}
/** STS's error code: SDK v3 names modeled errors `<Code>Exception`; the wire code is what counts. */
function stsCode(e) {
    return ((0,calls/* awsErrorName */.ZH)(e) ?? e.code ?? '').replace(/(?<=.)Exception$/, '');
}
/**
 * Assumes `roleToAssume` with a GitHub OIDC token. Each attempt fetches a fresh token; transient failures are retried
 * with jittered backoff (src/retry.ts), a refusal of the token or the role fails at once. The credentials are masked
 * the moment they exist.
 */
async function assumeRoleWithOidc(opts) {
    if (!opts.region) {
        throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.');
    }
    // The region must name an STS host before any token is asked for (a StsEndpointError, reason `config`, if not).
    stsTarget(opts.region);
    const getIdToken = opts.getIdToken ?? ((aud) => (0,runner/* getIdToken */.p9)(aud));
    if (!opts.getIdToken)
        checkOidcPreconditions();
    const attempts = opts.attempts ?? 5;
    const base = { region: opts.region, partition: opts.partition ?? (0,arns/* partitionOf */.iQ)(opts.region) };
    const fetchToken = () => getIdToken(opts.audience).catch((e) => {
        throw new CredentialsError(`Could not get a GitHub OIDC token for audience "${opts.audience}": ${e.message}. ` +
            'Did you grant the workflow `permissions: id-token: write`?');
    });
    // Asked for before the first attempt needs it; marked handled now, its error surfaces where it is awaited.
    const firstToken = fetchToken();
    firstToken.catch(() => undefined);
    const name = sessionName();
    try {
        const c = await (0,retry/* retry */.L5)(async (attempt) => {
            const token = attempt === 0 ? await firstToken : await fetchToken();
            // Opening a session changes nothing the action manages.
            opts.recorder?.awsCall({ service: 'sts', command: 'AssumeRoleWithWebIdentity', mutating: false });
            try {
                return await assumeRoleWithWebIdentity({
                    region: base.region,
                    partition: base.partition,
                    roleArn: opts.roleToAssume,
                    sessionName: name,
                    token,
                    durationSeconds: opts.sessionDuration ?? 3600,
                    timeoutMs: opts.requestTimeoutMs,
                });
            }
            catch (e) {
                if (stsCode(e) !== 'AccessDenied')
                    throw e;
                const sub = tokenClaims(token).sub ?? '(unknown)';
                throw new CredentialsError(`AWS refused to let this workflow assume ${opts.roleToAssume}: the role's trust policy does not accept ` +
                    `the GitHub token with sub "${String(sub)}" and aud "${opts.audience}". ` +
                    'Allow that subject (e.g. `repo:OWNER/REPO:pull_request` or `repo:OWNER/REPO:ref:refs/heads/main`) in the trust policy.');
            }
        }, {
            attempts,
            baseDelayMs: opts.baseDelayMs ?? 500,
            onRetry: (e, next, delay) => (0,runner/* info */.pq)(`AssumeRoleWithWebIdentity: ${stsCode(e)}; retrying in ${delay} ms (attempt ${next} of ${attempts})`),
        });
        (0,runner/* setSecret */.Pq)(c.accessKeyId);
        (0,runner/* setSecret */.Pq)(c.secretAccessKey);
        (0,runner/* setSecret */.Pq)(c.sessionToken);
        const credentials = c;
        return { ...base, credentials };
    }
    catch (e) {
        if (e instanceof CredentialsError || e instanceof StsEndpointError)
            throw e;
        const hint = stsCode(e) === 'InvalidIdentityToken'
            ? ` Check that the account has an IAM OIDC provider for https://token.actions.githubusercontent.com whose audiences include "${opts.audience}" (the \`audience\` input).`
            : '';
        throw new CredentialsError(`Could not assume ${opts.roleToAssume}: ${(e?.message ?? String(e)).replace(/\.$/, '')}.${hint}`);
    }
}
/** The environment's credentials (already configured by an earlier step, or the sandbox's). */
function environmentSession(region, options = {}) {
    if (!region)
        throw new CredentialsError('No AWS region: set `cluster.region` in the config or the `aws-region` input.');
    for (const v of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
        if (process.env[v])
            (0,runner/* setSecret */.Pq)(process.env[v]);
    return { region, partition: options.partition ?? (0,arns/* partitionOf */.iQ)(region), recorder: options.recorder };
}
/** The account of the session's identity; a CredentialsError when AWS does not accept the credentials. */
async function callerAccount(session) {
    let out;
    try {
        out = await getCallerIdentity(session);
    }
    catch (e) {
        throw new CredentialsError(`AWS did not accept the credentials (STS GetCallerIdentity): ${e.message}`);
    }
    if (!out.Account)
        throw new CredentialsError('STS GetCallerIdentity returned no account');
    return { accountId: out.Account, arn: out.Arn ?? '' };
}


/***/ }),

/***/ 736:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Og: () => (/* binding */ regionProblem),
/* harmony export */   a4: () => (/* binding */ dnsSuffixOf),
/* harmony export */   cn: () => (/* binding */ partitionOfRegion),
/* harmony export */   iw: () => (/* binding */ configuredEndpoint)
/* harmony export */ });
/* unused harmony exports PARTITIONS, REGION_PATTERN, isRegion */
/* harmony import */ var _report_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4031);
/**
 * AWS regions and partitions: which names are regions at all, the partition each belongs to, and the DNS suffix of
 * its service endpoints. A region ends up in hostnames (the STS endpoint the OIDC token is sent to), so nothing but a
 * name of this exact shape is ever accepted as one.
 */

/** The partitions, most specific first (us-gov-west-1 must not be taken for a region of `aws`). */
const PARTITIONS = [
    { id: 'aws-us-gov', regions: /^us-gov-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.com', example: 'us-gov-west-1' },
    { id: 'aws-iso', regions: /^us-iso-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'c2s.ic.gov', example: 'us-iso-east-1' },
    { id: 'aws-iso-b', regions: /^us-isob-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'sc2s.sgov.gov', example: 'us-isob-east-1' },
    { id: 'aws-iso-e', regions: /^eu-isoe-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'cloud.adc-e.uk', example: 'eu-isoe-west-1' },
    { id: 'aws-iso-f', regions: /^us-isof-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'csp.hci.ic.gov', example: 'us-isof-south-1' },
    { id: 'aws-eusc', regions: /^eusc-de-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.eu', example: 'eusc-de-east-1' },
    { id: 'aws-cn', regions: /^cn-[a-z]+-[1-9][0-9]?$/, dnsSuffix: 'amazonaws.com.cn', example: 'cn-north-1' },
    {
        id: 'aws',
        regions: /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$/,
        dnsSuffix: 'amazonaws.com',
        example: 'eu-west-1',
    },
];
/** The JSON Schema pattern of a region (any partition's). */
const REGION_PATTERN = '^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$';
/** The partition a region belongs to, or undefined when the name is no region's. */
function partitionOfRegion(region) {
    return PARTITIONS.find((p) => p.regions.test(region));
}
/** True for a well-formed region name of a known partition. */
function isRegion(region) {
    return partitionOfRegion(region) !== undefined;
}
/** Why a region is refused, in one sentence naming the fix; undefined when it is a region. */
function regionProblem(region) {
    if (isRegion(region))
        return undefined;
    const cut = region.length > 60 ? `${region.slice(0, 60)}...` : region;
    return `"${(0,_report_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .oneLine */ .TN)(cut)}" is not an AWS region; write a region name such as eu-west-1, cn-north-1 or us-gov-west-1`;
}
/** The DNS suffix of a partition's endpoints (amazonaws.com when unknown). */
function dnsSuffixOf(partition) {
    return PARTITIONS.find((p) => p.id === partition)?.dnsSuffix ?? 'amazonaws.com';
}
/**
 * The endpoint AWS_ENDPOINT_URL_<SERVICE> or else AWS_ENDPOINT_URL names (as the SDK reads them), checked: an http(s)
 * URL without credentials in it, or `refuse`'s error. Undefined when neither is set.
 */
function configuredEndpoint(service, env, refuse) {
    const custom = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
    if (!custom)
        return undefined;
    const name = `AWS_ENDPOINT_URL(_${service})`;
    let url;
    try {
        url = new URL(custom);
    }
    catch {
        throw refuse(`${name} is not a URL: set it to e.g. https://${service.toLowerCase()}.example.internal`);
    }
    if (!/^https?:$/.test(url.protocol) || url.username || url.password) {
        throw refuse(`${name} must be an http(s) URL without credentials in it`);
    }
    return url;
}


/***/ }),

/***/ 9865:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Nm: () => (/* binding */ jsonRefusal),
  pA: () => (/* binding */ signedCall)
});

// UNUSED EXPORTS: serviceEndpoint

// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(9809);
// EXTERNAL MODULE: ./src/aws/calls.ts
var calls = __webpack_require__(6484);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/aws/regions.ts
var regions = __webpack_require__(736);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/aws/sigv4.ts
/**
 * AWS Signature Version 4 for the action's own requests (the EC2 reads, STS GetCallerIdentity, EKS DescribeCluster),
 * with node:crypto: the SDK's signer and its SHA-256 are some 440 KB of code to load for what is a few HMACs.
 *
 * The canonical request, the string to sign and the signing key as AWS specifies them: the method; the path with
 * each segment URI-encoded once more (every service here but S3, which this is not for); the query sorted by
 * encoded name and value; the headers given (lower-cased, trimmed, inner spaces collapsed, sorted) plus host,
 * x-amz-date and x-amz-security-token; the hex SHA-256 of the body. Checked against the SDK's signer in
 * test/unit/aws-sigv4.test.ts.
 */

/** RFC 3986 encoding, as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ percent-encoded. */
function uriEncode(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
const sha256Hex = (data) => (0,external_node_crypto_.createHash)('sha256').update(data, 'utf8').digest('hex');
const hmac = (key, data) => (0,external_node_crypto_.createHmac)('sha256', key).update(data, 'utf8').digest();
/** The path of a URL (already percent-encoded by URL), each segment encoded once more. */
function canonicalPath(url) {
    const path = url.pathname || '/';
    return path
        .split('/')
        .map((segment) => uriEncode(segment))
        .join('/');
}
function canonicalQuery(url) {
    const pairs = [];
    for (const [k, v] of url.searchParams)
        pairs.push([uriEncode(k), uriEncode(v)]);
    pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
    return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}
/** `20261203T064200Z` */
function amzDate(d) {
    return d
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
}
/** The headers to send: those given, host, x-amz-date, x-amz-security-token (with a session) and authorization. */
function signRequest(input) {
    const { url, credentials } = input;
    const date = amzDate(input.now ?? new Date());
    const day = date.slice(0, 8);
    const headers = {};
    for (const [k, v] of Object.entries(input.headers))
        headers[k.toLowerCase()] = v;
    headers.host = url.host;
    headers['x-amz-date'] = date;
    if (credentials.sessionToken)
        headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
    const signedHeaders = names.join(';');
    const canonical = [
        input.method.toUpperCase(),
        canonicalPath(url),
        canonicalQuery(url),
        canonicalHeaders,
        signedHeaders,
        sha256Hex(input.body),
    ].join('\n');
    const scope = `${day}/${input.region}/${input.service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
    const signature = (0,external_node_crypto_.createHmac)('sha256', key).update(stringToSign, 'utf8').digest('hex');
    headers.authorization =
        `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
            `SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
}

;// CONCATENATED MODULE: ./src/aws/signed-call.ts
/**
 * One signed request of our own to an AWS service (the EC2 reads, STS GetCallerIdentity, EKS DescribeCluster): the
 * endpoint as the SDK finds it (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the region's), the session's
 * credentials, a SigV4 signature (src/aws/sigv4.ts), the same retries as the SDK clients are given (throttling, 5xx
 * answers and failed connections, src/retry.ts), and the call told to the session's recorder like the SDK's calls.
 * What the answer means is the caller's: each protocol says its errors its own way.
 */






/** Attempts in all, as the SDK clients are configured (src/aws/clients.ts). */
const ATTEMPTS = 6;
const BASE_DELAY_MS = 100;
/** The service's endpoint: the origin AWS_ENDPOINT_URL_<id> / AWS_ENDPOINT_URL names, or the region's. */
function serviceEndpoint(service, region, env = process.env) {
    const custom = (0,regions/* configuredEndpoint */.iw)(service.endpointId, env, (message) => new Error(message));
    if (custom)
        return custom;
    const problem = (0,regions/* regionProblem */.Og)(region);
    if (problem)
        throw new Error(`The AWS region ${problem}.`);
    return new URL(`https://${service.name}.${region}.${(0,regions/* partitionOfRegion */.cn)(region).dnsSuffix}/`);
}
/**
 * Sends the request, and again while the failure is transient (src/retry.ts): what `answerOf` makes of the answer,
 * which throws the service's refusal as an error of `errorClass` (a failed connection is one too).
 */
async function signedCall(session, service, req, answerOf, errorClass = calls/* AwsHttpError */.U3, region = session.region) {
    session.recorder?.awsCall({ service: service.name, command: req.command, mutating: false, input: req.input });
    const endpoint = service.endpoint ?? serviceEndpoint(service, region);
    const url = new URL(endpoint.pathname.replace(/\/$/, '') + req.path, endpoint);
    const credentials = await (0,clients/* sessionCredentials */.Te)(session);
    return (0,retry/* retry */.L5)(async () => {
        const headers = signRequest({
            method: req.method,
            url,
            headers: req.headers,
            body: req.body,
            service: service.name,
            region,
            credentials,
        });
        let answer;
        try {
            answer = await (0,runner/* httpCall */.b3)(url.href, {
                method: req.method,
                headers,
                ...(req.method === 'POST' ? { body: req.body } : {}),
                timeoutMs: 30_000,
            });
        }
        catch (e) {
            throw errorClass.fromConnection(e, `${req.command}: `);
        }
        return answerOf(answer);
    }, { attempts: ATTEMPTS, baseDelayMs: BASE_DELAY_MS });
}
/**
 * A JSON-protocol service's refusal (EKS's REST JSON, SQS's and EventBridge's JSON): the error code from the
 * x-amzn-errortype header or the body's `__type` / `code`, the part before any `:` and after any `#`
 * (`com.amazonaws.sqs#QueueDoesNotExist` → QueueDoesNotExist), its message, the status and the request id. Undefined
 * for a 2xx answer.
 */
function jsonRefusal(answer, command, errorClass, throttled) {
    if (answer.status >= 200 && answer.status < 300)
        return undefined;
    let body = {};
    try {
        body = JSON.parse(answer.body);
    }
    catch {
        /* not JSON: the status says it */
    }
    const header = answer.headers['x-amzn-errortype'];
    const type = (typeof header === 'string' ? header : undefined) ?? body.__type ?? body.code;
    const code = typeof type === 'string' && type
        ? type.split(':')[0].split('#').pop()
        : answer.status === 429
            ? throttled
            : `HTTP${answer.status}`;
    const message = body.message ?? body.Message;
    const requestId = answer.headers['x-amzn-requestid'];
    return new errorClass(code, typeof message === 'string' ? message : `${command} answered ${answer.status}`, {
        httpStatusCode: answer.status,
        ...(typeof requestId === 'string' ? { requestId } : {}),
    });
}


/***/ }),

/***/ 7827:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ formatProblems),
/* harmony export */   x: () => (/* binding */ ConfigError)
/* harmony export */ });
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4671);

/** Problems of the configuration file, each with its field, line and fix (reason `config`). */
class ConfigError extends _outcome_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionFailure */ .dR {
    file;
    problems;
    constructor(file, problems, reason = 'config') {
        super(reason, formatProblems(file, problems));
        this.file = file;
        this.problems = problems;
        this.name = 'ConfigError';
    }
}
function formatProblems(file, problems) {
    const head = `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration`;
    const lines = problems.map((p) => {
        const where = p.line ? `${file}:${p.line}` : file;
        return `  ${where}: ${p.field}: ${p.message}${p.fix ? `. Fix: ${p.fix}` : ''}`;
    });
    return [head, ...lines].join('\n');
}


/***/ }),

/***/ 9742:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  vP: () => (/* binding */ givenKubeconfig),
  Ko: () => (/* binding */ readInputs)
});

// UNUSED EXPORTS: InputError

// EXTERNAL MODULE: ./src/aws/regions.ts
var regions = __webpack_require__(736);
;// CONCATENATED MODULE: ./src/github/apply-requires.ts
/**
 * The `apply-requires` input: what a pull request must satisfy before its reviewed plan is applied, after
 * Atlantis's apply requirements. Read with the other inputs, before any AWS call; checked by src/github/requirements.ts.
 */
const APPLY_REQUIREMENTS = ['approved', 'mergeable', 'undiverged'];
/**
 * A comma list of `approved`, `mergeable`, `undiverged`, or `none`. Empty: `approved` when a pull request is given
 * (`pr-number`), nothing otherwise. Returns the requirements, or a message saying what is wrong.
 */
function parseApplyRequires(text, hasPullRequest) {
    const raw = text.trim();
    if (raw === '')
        return { requires: hasPullRequest ? ['approved'] : [] };
    const items = raw.split(',').map((s) => s.trim().toLowerCase());
    if (items.length === 1 && items[0] === 'none')
        return { requires: [] };
    const out = [];
    for (const item of items) {
        if (!APPLY_REQUIREMENTS.includes(item)) {
            const shown = JSON.stringify(item).slice(0, 60);
            return {
                problem: `input \`apply-requires\` holds ${shown}; it must be a comma list of ${APPLY_REQUIREMENTS.join(', ')}, ` +
                    'or none',
            };
        }
        if (!out.includes(item))
            out.push(item);
    }
    if (!hasPullRequest) {
        return {
            problem: `input \`apply-requires\` is ${out.join(',')}, but no pull request is given: set \`pr-number\` (the ` +
                'reviewed pull request), or `apply-requires: none`',
        };
    }
    return { requires: out };
}

// EXTERNAL MODULE: ./src/outcome.ts
var outcome = __webpack_require__(4671);
// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
;// CONCATENATED MODULE: ./src/inputs.ts





/** An input of the action that cannot be used (reason `config`). */
class InputError extends outcome/* ActionFailure */.dR {
    constructor(message) {
        super('config', message);
        this.name = 'InputError';
    }
}
/** An input's value in a message: on one line, and cut when long. */
function shown(value) {
    return (0,report_escape/* oneLine */.TN)(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}
function oneOf(name, value, allowed) {
    if (allowed.includes(value))
        return value;
    throw new InputError(`input \`${name}\` is "${shown(value)}"; it must be one of ${allowed.join(', ')}`);
}
/** Reads and checks the action's inputs (INPUT_* variables). */
function readInputs() {
    const get = (name, fallback = '') => (0,runner/* getInput */.V4)(name) || fallback;
    const pr = get('pr-number');
    if (pr && !/^[1-9][0-9]{0,9}$/.test(pr))
        throw new InputError(`input \`pr-number\` is "${shown(pr)}"; it must be a pull request number (digits only, at most 10, e.g. 42)`);
    const token = get('github-token');
    if (token)
        (0,runner/* setSecret */.Pq)(token);
    const role = get('role-to-assume');
    if (role && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/([\x21-\x7e]{1,510}\/)?[\w+=,.@-]{1,64}$/.test(role)) {
        throw new InputError(`input \`role-to-assume\` is "${shown(role)}"; it must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    }
    const region = get('aws-region');
    const badRegion = region ? (0,regions/* regionProblem */.Og)(region) : undefined;
    if (badRegion)
        throw new InputError(`input \`aws-region\`: ${badRegion}`);
    const breakLock = get('break-lock', 'false');
    const mode = oneOf('mode', get('mode', 'plan'), ['plan', 'apply', 'destroy']);
    // A plan applies nothing: the requirements are only checked for their spelling there.
    const requires = parseApplyRequires(get('apply-requires'), mode === 'plan' || pr !== '');
    if ('problem' in requires)
        throw new InputError(requires.problem);
    return {
        mode,
        config: get('config', '.github/karpenter.yaml'),
        roleToAssume: role,
        awsRegion: region,
        audience: get('audience', 'sts.amazonaws.com'),
        githubToken: token,
        comment: oneOf('comment', get('comment', 'auto'), ['auto', 'always', 'never']),
        prNumber: pr ? Number(pr) : undefined,
        applyRequires: mode === 'plan' ? [] : requires.requires,
        kubeconfig: get('kubeconfig'),
        breakLock: { true: true, false: false, force: 'force' }[oneOf('break-lock', breakLock, ['true', 'false', 'force'])],
    };
}
/** The kubeconfig given to the action: the `kubeconfig` input, else KUBECONFIG; undefined: make one for EKS. */
function givenKubeconfig(inputs, env = process.env) {
    return inputs.kubeconfig || env.KUBECONFIG || undefined;
}


/***/ }),

/***/ 9777:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./src/aws/credentials.ts + 1 modules
var credentials = __webpack_require__(1429);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/calls.ts
/**
 * What a run asked of the outside world: AWS calls, Kubernetes API requests, helm and kubectl processes. Nothing is
 * recorded unless a recorder is installed: the benchmark installs one (through KARPENTER_ACTION_CALL_LOG for
 * `node dist/index.js`, or directly for the in-process benches) and tests do, to count what a plan or a no-op apply
 * did. The AWS client factory and the Kubernetes client are handed the recorder; there is no global log.
 */

/** A recorder that keeps everything in memory, in order. */
class CallLog {
    aws = [];
    kube = [];
    processes = [];
    awsCall(call) {
        this.aws.push(call);
    }
    apiRequest(request) {
        this.kube.push(request);
    }
    process(run) {
        this.processes.push(run);
    }
    /** Where each list stands now, to look at what came after with since(). */
    mark() {
        return { aws: this.aws.length, kube: this.kube.length, processes: this.processes.length };
    }
    since(mark) {
        return {
            aws: this.aws.slice(mark.aws),
            kube: this.kube.slice(mark.kube),
            processes: this.processes.slice(mark.processes),
        };
    }
}
/** The environment variable naming the file a run writes its call log to when it ends (the benchmark sets it). */
const CALL_LOG_ENV = 'KARPENTER_ACTION_CALL_LOG';
/** A CallLog when the environment asks for one, with the way to save it. */
function callLogFromEnvironment(env = process.env) {
    const file = env[CALL_LOG_ENV];
    if (!file)
        return undefined;
    const log = new CallLog();
    return {
        log,
        save: () => (0,external_node_fs_.writeFileSync)(file, JSON.stringify({ aws: log.aws, kube: log.kube, processes: log.processes })),
    };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/aws/arns.ts
var arns = __webpack_require__(6145);
// EXTERNAL MODULE: ./src/config/errors.ts
var errors = __webpack_require__(7827);
;// CONCATENATED MODULE: ./src/config/generated/validate-config.js
// Generated by scripts/write-schema.mjs from src/config/schema.ts. Do not edit.
// @ts-nocheck
/* eslint-disable */

const validate = validate10;
/* harmony default export */ const validate_config = ((/* unused pure expression or super */ null && (validate10)));
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/opsfleet/karpenter-action/schema/generated/karpenter-config.schema.json","title":"karpenter-action configuration","description":"Karpenter on an existing EKS cluster: the IAM it needs, the interruption queue, the Helm release and the node pools.","type":"object","additionalProperties":false,"required":["cluster","nodePools"],"properties":{"cluster":{"type":"object","additionalProperties":false,"required":["name"],"description":"The existing EKS cluster.","properties":{"name":{"type":"string","pattern":"^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$","description":"EKS cluster name."},"region":{"type":"string","pattern":"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$","description":"AWS region of the cluster, e.g. eu-west-1, cn-north-1, us-gov-west-1. The `aws-region` input overrides it."},"vpcId":{"type":"string","pattern":"^vpc-[0-9a-f]+$","description":"The cluster's VPC. Subnets and security groups must belong to it. Default: the VPC of the cluster."},"partition":{"type":"string","enum":["aws","aws-cn","aws-us-gov","aws-iso","aws-iso-b","aws-iso-e","aws-iso-f","aws-eusc"],"description":"AWS partition of every ARN the action builds. Default: the region's (aws-cn, aws-us-gov, aws-iso... for their regions, aws elsewhere); set, it must agree with the region."}}},"karpenter":{"type":"object","additionalProperties":false,"description":"The Karpenter installation.","properties":{"version":{"type":"string","pattern":"^[0-9]+\\.[0-9]+\\.[0-9]+$","default":"1.14.1","description":"Karpenter chart version (also selects the controller IAM permissions)."},"chart":{"type":"string","minLength":1,"default":"oci://public.ecr.aws/karpenter/karpenter","description":"The Karpenter chart: an OCI reference or a local chart directory."},"crdChart":{"type":"string","minLength":1,"default":"oci://public.ecr.aws/karpenter/karpenter-crd","description":"The Karpenter CRD chart: an OCI reference or a local chart directory."},"namespace":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$","maxLength":63,"default":"karpenter","description":"Namespace of the Karpenter controller."},"release":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$","maxLength":53,"default":"karpenter","description":"Helm release name."},"timeout":{"type":"string","pattern":"^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$","default":"10m","description":"Helm timeout, e.g. 10m (Go duration)."},"auth":{"type":"string","enum":["irsa","pod-identity"],"default":"irsa","description":"How the controller gets its IAM role: irsa (service-account annotation) or pod-identity."},"installCrds":{"type":"boolean","default":true,"description":"Install and upgrade the CRD chart before the main chart."},"destroyCrds":{"type":"boolean","default":false,"description":"mode destroy: also uninstall the CRD chart (deletes every NodePool, EC2NodeClass and NodeClaim)."},"resources":{"type":"object","additionalProperties":false,"description":"Controller container resources.","properties":{"requests":{"$ref":"#/definitions/resourceList"},"limits":{"$ref":"#/definitions/resourceList"}}},"values":{"type":"object","default":{},"description":"Extra Helm values, merged last (they win over the values the action builds)."},"extraManifests":{"type":"string","description":"A folder of your own Kubernetes YAML, applied with server-side apply once Karpenter is ready."}}},"iam":{"type":"object","additionalProperties":false,"description":"IAM names. Existing roles, policies and instance profiles of these names are adopted, never recreated.","properties":{"nodeRole":{"$ref":"#/definitions/iamName","default":"KarpenterNodeRole-<cluster>","description":"Role of the nodes Karpenter launches (trusted by ec2.amazonaws.com)."},"controllerRole":{"$ref":"#/definitions/iamName","default":"KarpenterControllerRole-<cluster>","description":"Role of the Karpenter controller."},"controllerPolicy":{"type":"string","pattern":"^[\\w+=,.@-]+$","maxLength":120,"default":"KarpenterControllerPolicy-<cluster>","description":"Name of the controller's managed policy (split into -2, -3... past IAM's 6,144-character limit)."},"instanceProfile":{"type":"string","pattern":"^[\\w+=,.@-]+$","maxLength":128,"default":"KarpenterNodeInstanceProfile-<cluster>","description":"Instance profile holding the node role (a name, not an ARN)."},"nodeAccess":{"type":"string","enum":["auto","access-entry","aws-auth"],"default":"auto","description":"How nodes join: an EKS access entry, the aws-auth ConfigMap, or auto (access entry when the cluster allows it)."},"permissionsBoundary":{"type":"string","pattern":"^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$","description":"ARN of a permissions boundary for the roles the action creates."},"path":{"type":"string","pattern":"^/([\\x21-\\x7E]*/)?$","default":"/","description":"IAM path of the roles, policies and instance profile."}}},"interruption":{"type":"object","additionalProperties":false,"description":"Spot interruption and scheduled-event handling through an SQS queue and EventBridge rules.","properties":{"enabled":{"type":"boolean","default":true,"description":"Create the queue and rules."},"queue":{"type":"string","pattern":"^[A-Za-z0-9_-]{1,80}$","default":"<cluster>","description":"SQS queue name (a name, not a URL or ARN)."}}},"nodePools":{"type":"array","minItems":1,"description":"One NodePool and one EC2NodeClass each.","items":{"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$","maxLength":63,"description":"NodePool name (also the EC2NodeClass name)."},"instanceTypes":{"type":"array","items":{"type":"string","pattern":"^[a-z0-9-]+\\.[a-z0-9-]+$"},"uniqueItems":true,"description":"Allowed EC2 instance types; omit to allow any."},"architectures":{"type":"array","items":{"type":"string","enum":["amd64","arm64"]},"uniqueItems":true,"minItems":1,"default":["amd64"],"description":"CPU architectures."},"zones":{"type":"array","items":{"type":"string","pattern":"^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$"},"uniqueItems":true,"description":"Availability zones; omit to allow every zone with a matching subnet."},"capacityTypes":{"type":"array","items":{"type":"string","enum":["on-demand","spot","reserved"]},"uniqueItems":true,"minItems":1,"default":["on-demand"],"description":"Capacity types."},"subnetSelector":{"$ref":"#/definitions/tagSelector","description":"Tags selecting the nodes' subnets."},"subnetIds":{"type":"array","items":{"type":"string","pattern":"^subnet-[0-9a-f]+$"},"minItems":1,"uniqueItems":true,"description":"Subnet ids (instead of subnetSelector)."},"securityGroupSelector":{"$ref":"#/definitions/tagSelector","description":"Tags selecting the nodes' security groups."},"securityGroupIds":{"type":"array","items":{"type":"string","pattern":"^sg-[0-9a-f]+$"},"minItems":1,"uniqueItems":true,"description":"Security group ids (instead of securityGroupSelector)."},"consolidateAfter":{"type":"string","pattern":"^(([0-9]+(s|m|h))+|Never)$","description":"How long a node must be empty before it is removed, e.g. 30s (or Never).","default":"30s"},"consolidationPolicy":{"type":"string","enum":["WhenEmpty","WhenEmptyOrUnderutilized"],"default":"WhenEmpty","description":"Disruption policy."},"expireAfter":{"type":"string","pattern":"^(([0-9]+(s|m|h))+|Never)$","default":"Never","description":"Maximum node lifetime, e.g. 720h, or Never."},"amiAlias":{"type":"string","pattern":"^[a-z0-9]+@v?[0-9A-Za-z.]+$","default":"al2023@v20251117","description":"EC2NodeClass AMI alias, family@version (a pinned version; @latest is refused)."},"limits":{"type":"object","additionalProperties":{"type":["string","number"]},"description":"NodePool resource limits, e.g. {cpu: 1000, memory: 1000Gi}."},"labels":{"type":"object","additionalProperties":{"type":"string"},"description":"Labels on the nodes."},"taints":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["key","effect"],"properties":{"key":{"type":"string"},"value":{"type":"string"},"effect":{"type":"string","enum":["NoSchedule","PreferNoSchedule","NoExecute"]}}},"description":"Taints on the nodes."},"weight":{"type":"integer","minimum":1,"maximum":100,"description":"NodePool weight."},"tags":{"type":"object","additionalProperties":{"type":"string"},"description":"Extra EC2 tags on the instances."}}}},"state":{"type":"object","additionalProperties":false,"required":["bucket","key"],"description":"Where the lock and the record of applies live (S3). Without it the action works unlocked and warns.","properties":{"bucket":{"type":"string","pattern":"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$","description":"S3 bucket."},"key":{"type":"string","minLength":1,"description":"Object key of the state record; the lock is <key>.lock."},"region":{"type":"string","pattern":"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$","description":"Bucket region (default: the cluster's)."}}},"tags":{"type":"object","additionalProperties":{"type":"string"},"default":{},"description":"Extra tags on every AWS resource the action creates."},"destroyAdopted":{"type":"boolean","default":false,"description":"Destroy also what the action adopted (it existed before the action first ran: a role, its policies and instance profiles, a shared namespace), detaching everything from it. Default: destroy leaves adopted resources and says so in the plan."}},"definitions":{"iamName":{"type":"string","pattern":"^[\\w+=,.@-]+$","maxLength":64},"tagSelector":{"type":"object","minProperties":1,"additionalProperties":{"type":"string"}},"resourceList":{"type":"object","additionalProperties":false,"properties":{"cpu":{"type":["string","number"]},"memory":{"type":"string"}}}}};
const schema12 = {"type":"object","additionalProperties":false,"properties":{"cpu":{"type":["string","number"]},"memory":{"type":"string"}}};
const schema14 = {"type":"string","pattern":"^[\\w+=,.@-]+$","maxLength":64};
const schema16 = {"type":"object","minProperties":1,"additionalProperties":{"type":"string"}};
const pattern0 = new RegExp("^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$", "u");
const pattern1 = new RegExp("^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$", "u");
const pattern2 = new RegExp("^vpc-[0-9a-f]+$", "u");
const pattern3 = new RegExp("^[0-9]+\\.[0-9]+\\.[0-9]+$", "u");
const pattern4 = new RegExp("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "u");
const pattern6 = new RegExp("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", "u");
const pattern7 = new RegExp("^[\\w+=,.@-]+$", "u");
const pattern11 = new RegExp("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", "u");
const pattern12 = new RegExp("^/([\\x21-\\x7E]*/)?$", "u");
const pattern13 = new RegExp("^[A-Za-z0-9_-]{1,80}$", "u");
const pattern15 = new RegExp("^[a-z0-9-]+\\.[a-z0-9-]+$", "u");
const pattern16 = new RegExp("^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$", "u");
const pattern17 = new RegExp("^subnet-[0-9a-f]+$", "u");
const pattern18 = new RegExp("^sg-[0-9a-f]+$", "u");
const pattern19 = new RegExp("^(([0-9]+(s|m|h))+|Never)$", "u");
const pattern21 = new RegExp("^[a-z0-9]+@v?[0-9A-Za-z.]+$", "u");
const pattern22 = new RegExp("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", "u");
const func2 = Object.prototype.hasOwnProperty;
const func3 = ((s) => [...s].length);

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
/*# sourceURL="https://github.com/opsfleet/karpenter-action/schema/generated/karpenter-config.schema.json" */;
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.cluster === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "cluster"},message:"must have required property '"+"cluster"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.nodePools === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "nodePools"},message:"must have required property '"+"nodePools"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
for(const key0 in data){
if(!((((((((key0 === "cluster") || (key0 === "karpenter")) || (key0 === "iam")) || (key0 === "interruption")) || (key0 === "nodePools")) || (key0 === "state")) || (key0 === "tags")) || (key0 === "destroyAdopted"))){
const err2 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
if(data.cluster !== undefined){
let data0 = data.cluster;
if(data0 && typeof data0 == "object" && !Array.isArray(data0)){
if(data0.name === undefined){
const err3 = {instancePath:instancePath+"/cluster",schemaPath:"#/properties/cluster/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema11.properties.cluster.required,parentSchema:schema11.properties.cluster,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key1 in data0){
if(!((((key1 === "name") || (key1 === "region")) || (key1 === "vpcId")) || (key1 === "partition"))){
const err4 = {instancePath:instancePath+"/cluster",schemaPath:"#/properties/cluster/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.cluster,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data0.name !== undefined){
let data1 = data0.name;
if(typeof data1 === "string"){
if(!pattern0.test(data1)){
const err5 = {instancePath:instancePath+"/cluster/name",schemaPath:"#/properties/cluster/properties/name/pattern",keyword:"pattern",params:{pattern: "^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$"},message:"must match pattern \""+"^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$"+"\"",schema:"^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$",parentSchema:schema11.properties.cluster.properties.name,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
else {
const err6 = {instancePath:instancePath+"/cluster/name",schemaPath:"#/properties/cluster/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.cluster.properties.name.type,parentSchema:schema11.properties.cluster.properties.name,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data0.region !== undefined){
let data2 = data0.region;
if(typeof data2 === "string"){
if(!pattern1.test(data2)){
const err7 = {instancePath:instancePath+"/cluster/region",schemaPath:"#/properties/cluster/properties/region/pattern",keyword:"pattern",params:{pattern: "^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$"},message:"must match pattern \""+"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$"+"\"",schema:"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$",parentSchema:schema11.properties.cluster.properties.region,data:data2};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/cluster/region",schemaPath:"#/properties/cluster/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.cluster.properties.region.type,parentSchema:schema11.properties.cluster.properties.region,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data0.vpcId !== undefined){
let data3 = data0.vpcId;
if(typeof data3 === "string"){
if(!pattern2.test(data3)){
const err9 = {instancePath:instancePath+"/cluster/vpcId",schemaPath:"#/properties/cluster/properties/vpcId/pattern",keyword:"pattern",params:{pattern: "^vpc-[0-9a-f]+$"},message:"must match pattern \""+"^vpc-[0-9a-f]+$"+"\"",schema:"^vpc-[0-9a-f]+$",parentSchema:schema11.properties.cluster.properties.vpcId,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/cluster/vpcId",schemaPath:"#/properties/cluster/properties/vpcId/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.cluster.properties.vpcId.type,parentSchema:schema11.properties.cluster.properties.vpcId,data:data3};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data0.partition !== undefined){
let data4 = data0.partition;
if(typeof data4 !== "string"){
const err11 = {instancePath:instancePath+"/cluster/partition",schemaPath:"#/properties/cluster/properties/partition/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.cluster.properties.partition.type,parentSchema:schema11.properties.cluster.properties.partition,data:data4};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(!((((((((data4 === "aws") || (data4 === "aws-cn")) || (data4 === "aws-us-gov")) || (data4 === "aws-iso")) || (data4 === "aws-iso-b")) || (data4 === "aws-iso-e")) || (data4 === "aws-iso-f")) || (data4 === "aws-eusc"))){
const err12 = {instancePath:instancePath+"/cluster/partition",schemaPath:"#/properties/cluster/properties/partition/enum",keyword:"enum",params:{allowedValues: schema11.properties.cluster.properties.partition.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.cluster.properties.partition.enum,parentSchema:schema11.properties.cluster.properties.partition,data:data4};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
}
else {
const err13 = {instancePath:instancePath+"/cluster",schemaPath:"#/properties/cluster/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.cluster.type,parentSchema:schema11.properties.cluster,data:data0};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data.karpenter !== undefined){
let data5 = data.karpenter;
if(data5 && typeof data5 == "object" && !Array.isArray(data5)){
for(const key2 in data5){
if(!(func2.call(schema11.properties.karpenter.properties, key2))){
const err14 = {instancePath:instancePath+"/karpenter",schemaPath:"#/properties/karpenter/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.karpenter,data:data5};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
if(data5.version !== undefined){
let data6 = data5.version;
if(typeof data6 === "string"){
if(!pattern3.test(data6)){
const err15 = {instancePath:instancePath+"/karpenter/version",schemaPath:"#/properties/karpenter/properties/version/pattern",keyword:"pattern",params:{pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$"},message:"must match pattern \""+"^[0-9]+\\.[0-9]+\\.[0-9]+$"+"\"",schema:"^[0-9]+\\.[0-9]+\\.[0-9]+$",parentSchema:schema11.properties.karpenter.properties.version,data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
else {
const err16 = {instancePath:instancePath+"/karpenter/version",schemaPath:"#/properties/karpenter/properties/version/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.version.type,parentSchema:schema11.properties.karpenter.properties.version,data:data6};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
if(data5.chart !== undefined){
let data7 = data5.chart;
if(typeof data7 === "string"){
if(func3(data7) < 1){
const err17 = {instancePath:instancePath+"/karpenter/chart",schemaPath:"#/properties/karpenter/properties/chart/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.karpenter.properties.chart,data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
else {
const err18 = {instancePath:instancePath+"/karpenter/chart",schemaPath:"#/properties/karpenter/properties/chart/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.chart.type,parentSchema:schema11.properties.karpenter.properties.chart,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data5.crdChart !== undefined){
let data8 = data5.crdChart;
if(typeof data8 === "string"){
if(func3(data8) < 1){
const err19 = {instancePath:instancePath+"/karpenter/crdChart",schemaPath:"#/properties/karpenter/properties/crdChart/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.karpenter.properties.crdChart,data:data8};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/karpenter/crdChart",schemaPath:"#/properties/karpenter/properties/crdChart/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.crdChart.type,parentSchema:schema11.properties.karpenter.properties.crdChart,data:data8};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data5.namespace !== undefined){
let data9 = data5.namespace;
if(typeof data9 === "string"){
if(func3(data9) > 63){
const err21 = {instancePath:instancePath+"/karpenter/namespace",schemaPath:"#/properties/karpenter/properties/namespace/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters",schema:63,parentSchema:schema11.properties.karpenter.properties.namespace,data:data9};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(!pattern4.test(data9)){
const err22 = {instancePath:instancePath+"/karpenter/namespace",schemaPath:"#/properties/karpenter/properties/namespace/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",parentSchema:schema11.properties.karpenter.properties.namespace,data:data9};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
else {
const err23 = {instancePath:instancePath+"/karpenter/namespace",schemaPath:"#/properties/karpenter/properties/namespace/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.namespace.type,parentSchema:schema11.properties.karpenter.properties.namespace,data:data9};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data5.release !== undefined){
let data10 = data5.release;
if(typeof data10 === "string"){
if(func3(data10) > 53){
const err24 = {instancePath:instancePath+"/karpenter/release",schemaPath:"#/properties/karpenter/properties/release/maxLength",keyword:"maxLength",params:{limit: 53},message:"must NOT have more than 53 characters",schema:53,parentSchema:schema11.properties.karpenter.properties.release,data:data10};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
if(!pattern4.test(data10)){
const err25 = {instancePath:instancePath+"/karpenter/release",schemaPath:"#/properties/karpenter/properties/release/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",parentSchema:schema11.properties.karpenter.properties.release,data:data10};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
else {
const err26 = {instancePath:instancePath+"/karpenter/release",schemaPath:"#/properties/karpenter/properties/release/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.release.type,parentSchema:schema11.properties.karpenter.properties.release,data:data10};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data5.timeout !== undefined){
let data11 = data5.timeout;
if(typeof data11 === "string"){
if(!pattern6.test(data11)){
const err27 = {instancePath:instancePath+"/karpenter/timeout",schemaPath:"#/properties/karpenter/properties/timeout/pattern",keyword:"pattern",params:{pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"},message:"must match pattern \""+"^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"+"\"",schema:"^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$",parentSchema:schema11.properties.karpenter.properties.timeout,data:data11};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/karpenter/timeout",schemaPath:"#/properties/karpenter/properties/timeout/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.timeout.type,parentSchema:schema11.properties.karpenter.properties.timeout,data:data11};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
if(data5.auth !== undefined){
let data12 = data5.auth;
if(typeof data12 !== "string"){
const err29 = {instancePath:instancePath+"/karpenter/auth",schemaPath:"#/properties/karpenter/properties/auth/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.auth.type,parentSchema:schema11.properties.karpenter.properties.auth,data:data12};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(!((data12 === "irsa") || (data12 === "pod-identity"))){
const err30 = {instancePath:instancePath+"/karpenter/auth",schemaPath:"#/properties/karpenter/properties/auth/enum",keyword:"enum",params:{allowedValues: schema11.properties.karpenter.properties.auth.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.karpenter.properties.auth.enum,parentSchema:schema11.properties.karpenter.properties.auth,data:data12};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data5.installCrds !== undefined){
let data13 = data5.installCrds;
if(typeof data13 !== "boolean"){
const err31 = {instancePath:instancePath+"/karpenter/installCrds",schemaPath:"#/properties/karpenter/properties/installCrds/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.karpenter.properties.installCrds.type,parentSchema:schema11.properties.karpenter.properties.installCrds,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data5.destroyCrds !== undefined){
let data14 = data5.destroyCrds;
if(typeof data14 !== "boolean"){
const err32 = {instancePath:instancePath+"/karpenter/destroyCrds",schemaPath:"#/properties/karpenter/properties/destroyCrds/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.karpenter.properties.destroyCrds.type,parentSchema:schema11.properties.karpenter.properties.destroyCrds,data:data14};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data5.resources !== undefined){
let data15 = data5.resources;
if(data15 && typeof data15 == "object" && !Array.isArray(data15)){
for(const key3 in data15){
if(!((key3 === "requests") || (key3 === "limits"))){
const err33 = {instancePath:instancePath+"/karpenter/resources",schemaPath:"#/properties/karpenter/properties/resources/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.karpenter.properties.resources,data:data15};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data15.requests !== undefined){
let data16 = data15.requests;
if(data16 && typeof data16 == "object" && !Array.isArray(data16)){
for(const key4 in data16){
if(!((key4 === "cpu") || (key4 === "memory"))){
const err34 = {instancePath:instancePath+"/karpenter/resources/requests",schemaPath:"#/definitions/resourceList/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema12,data:data16};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data16.cpu !== undefined){
let data17 = data16.cpu;
if((typeof data17 !== "string") && (!(typeof data17 == "number"))){
const err35 = {instancePath:instancePath+"/karpenter/resources/requests/cpu",schemaPath:"#/definitions/resourceList/properties/cpu/type",keyword:"type",params:{type: schema12.properties.cpu.type},message:"must be string,number",schema:schema12.properties.cpu.type,parentSchema:schema12.properties.cpu,data:data17};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
if(data16.memory !== undefined){
let data18 = data16.memory;
if(typeof data18 !== "string"){
const err36 = {instancePath:instancePath+"/karpenter/resources/requests/memory",schemaPath:"#/definitions/resourceList/properties/memory/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.properties.memory.type,parentSchema:schema12.properties.memory,data:data18};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
else {
const err37 = {instancePath:instancePath+"/karpenter/resources/requests",schemaPath:"#/definitions/resourceList/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.type,parentSchema:schema12,data:data16};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data15.limits !== undefined){
let data19 = data15.limits;
if(data19 && typeof data19 == "object" && !Array.isArray(data19)){
for(const key5 in data19){
if(!((key5 === "cpu") || (key5 === "memory"))){
const err38 = {instancePath:instancePath+"/karpenter/resources/limits",schemaPath:"#/definitions/resourceList/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema12,data:data19};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
if(data19.cpu !== undefined){
let data20 = data19.cpu;
if((typeof data20 !== "string") && (!(typeof data20 == "number"))){
const err39 = {instancePath:instancePath+"/karpenter/resources/limits/cpu",schemaPath:"#/definitions/resourceList/properties/cpu/type",keyword:"type",params:{type: schema12.properties.cpu.type},message:"must be string,number",schema:schema12.properties.cpu.type,parentSchema:schema12.properties.cpu,data:data20};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
if(data19.memory !== undefined){
let data21 = data19.memory;
if(typeof data21 !== "string"){
const err40 = {instancePath:instancePath+"/karpenter/resources/limits/memory",schemaPath:"#/definitions/resourceList/properties/memory/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.properties.memory.type,parentSchema:schema12.properties.memory,data:data21};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath:instancePath+"/karpenter/resources/limits",schemaPath:"#/definitions/resourceList/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.type,parentSchema:schema12,data:data19};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
}
else {
const err42 = {instancePath:instancePath+"/karpenter/resources",schemaPath:"#/properties/karpenter/properties/resources/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.karpenter.properties.resources.type,parentSchema:schema11.properties.karpenter.properties.resources,data:data15};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
if(data5.values !== undefined){
let data22 = data5.values;
if(!(data22 && typeof data22 == "object" && !Array.isArray(data22))){
const err43 = {instancePath:instancePath+"/karpenter/values",schemaPath:"#/properties/karpenter/properties/values/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.karpenter.properties.values.type,parentSchema:schema11.properties.karpenter.properties.values,data:data22};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
}
if(data5.extraManifests !== undefined){
let data23 = data5.extraManifests;
if(typeof data23 !== "string"){
const err44 = {instancePath:instancePath+"/karpenter/extraManifests",schemaPath:"#/properties/karpenter/properties/extraManifests/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.karpenter.properties.extraManifests.type,parentSchema:schema11.properties.karpenter.properties.extraManifests,data:data23};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
}
}
else {
const err45 = {instancePath:instancePath+"/karpenter",schemaPath:"#/properties/karpenter/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.karpenter.type,parentSchema:schema11.properties.karpenter,data:data5};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
if(data.iam !== undefined){
let data24 = data.iam;
if(data24 && typeof data24 == "object" && !Array.isArray(data24)){
for(const key6 in data24){
if(!(((((((key6 === "nodeRole") || (key6 === "controllerRole")) || (key6 === "controllerPolicy")) || (key6 === "instanceProfile")) || (key6 === "nodeAccess")) || (key6 === "permissionsBoundary")) || (key6 === "path"))){
const err46 = {instancePath:instancePath+"/iam",schemaPath:"#/properties/iam/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.iam,data:data24};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data24.nodeRole !== undefined){
let data25 = data24.nodeRole;
if(typeof data25 === "string"){
if(func3(data25) > 64){
const err47 = {instancePath:instancePath+"/iam/nodeRole",schemaPath:"#/definitions/iamName/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters",schema:64,parentSchema:schema14,data:data25};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(!pattern7.test(data25)){
const err48 = {instancePath:instancePath+"/iam/nodeRole",schemaPath:"#/definitions/iamName/pattern",keyword:"pattern",params:{pattern: "^[\\w+=,.@-]+$"},message:"must match pattern \""+"^[\\w+=,.@-]+$"+"\"",schema:"^[\\w+=,.@-]+$",parentSchema:schema14,data:data25};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
else {
const err49 = {instancePath:instancePath+"/iam/nodeRole",schemaPath:"#/definitions/iamName/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data25};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
}
if(data24.controllerRole !== undefined){
let data26 = data24.controllerRole;
if(typeof data26 === "string"){
if(func3(data26) > 64){
const err50 = {instancePath:instancePath+"/iam/controllerRole",schemaPath:"#/definitions/iamName/maxLength",keyword:"maxLength",params:{limit: 64},message:"must NOT have more than 64 characters",schema:64,parentSchema:schema14,data:data26};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(!pattern7.test(data26)){
const err51 = {instancePath:instancePath+"/iam/controllerRole",schemaPath:"#/definitions/iamName/pattern",keyword:"pattern",params:{pattern: "^[\\w+=,.@-]+$"},message:"must match pattern \""+"^[\\w+=,.@-]+$"+"\"",schema:"^[\\w+=,.@-]+$",parentSchema:schema14,data:data26};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
else {
const err52 = {instancePath:instancePath+"/iam/controllerRole",schemaPath:"#/definitions/iamName/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data26};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
}
if(data24.controllerPolicy !== undefined){
let data27 = data24.controllerPolicy;
if(typeof data27 === "string"){
if(func3(data27) > 120){
const err53 = {instancePath:instancePath+"/iam/controllerPolicy",schemaPath:"#/properties/iam/properties/controllerPolicy/maxLength",keyword:"maxLength",params:{limit: 120},message:"must NOT have more than 120 characters",schema:120,parentSchema:schema11.properties.iam.properties.controllerPolicy,data:data27};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(!pattern7.test(data27)){
const err54 = {instancePath:instancePath+"/iam/controllerPolicy",schemaPath:"#/properties/iam/properties/controllerPolicy/pattern",keyword:"pattern",params:{pattern: "^[\\w+=,.@-]+$"},message:"must match pattern \""+"^[\\w+=,.@-]+$"+"\"",schema:"^[\\w+=,.@-]+$",parentSchema:schema11.properties.iam.properties.controllerPolicy,data:data27};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
else {
const err55 = {instancePath:instancePath+"/iam/controllerPolicy",schemaPath:"#/properties/iam/properties/controllerPolicy/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.iam.properties.controllerPolicy.type,parentSchema:schema11.properties.iam.properties.controllerPolicy,data:data27};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data24.instanceProfile !== undefined){
let data28 = data24.instanceProfile;
if(typeof data28 === "string"){
if(func3(data28) > 128){
const err56 = {instancePath:instancePath+"/iam/instanceProfile",schemaPath:"#/properties/iam/properties/instanceProfile/maxLength",keyword:"maxLength",params:{limit: 128},message:"must NOT have more than 128 characters",schema:128,parentSchema:schema11.properties.iam.properties.instanceProfile,data:data28};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if(!pattern7.test(data28)){
const err57 = {instancePath:instancePath+"/iam/instanceProfile",schemaPath:"#/properties/iam/properties/instanceProfile/pattern",keyword:"pattern",params:{pattern: "^[\\w+=,.@-]+$"},message:"must match pattern \""+"^[\\w+=,.@-]+$"+"\"",schema:"^[\\w+=,.@-]+$",parentSchema:schema11.properties.iam.properties.instanceProfile,data:data28};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
}
else {
const err58 = {instancePath:instancePath+"/iam/instanceProfile",schemaPath:"#/properties/iam/properties/instanceProfile/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.iam.properties.instanceProfile.type,parentSchema:schema11.properties.iam.properties.instanceProfile,data:data28};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
if(data24.nodeAccess !== undefined){
let data29 = data24.nodeAccess;
if(typeof data29 !== "string"){
const err59 = {instancePath:instancePath+"/iam/nodeAccess",schemaPath:"#/properties/iam/properties/nodeAccess/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.iam.properties.nodeAccess.type,parentSchema:schema11.properties.iam.properties.nodeAccess,data:data29};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
if(!(((data29 === "auto") || (data29 === "access-entry")) || (data29 === "aws-auth"))){
const err60 = {instancePath:instancePath+"/iam/nodeAccess",schemaPath:"#/properties/iam/properties/nodeAccess/enum",keyword:"enum",params:{allowedValues: schema11.properties.iam.properties.nodeAccess.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.iam.properties.nodeAccess.enum,parentSchema:schema11.properties.iam.properties.nodeAccess,data:data29};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data24.permissionsBoundary !== undefined){
let data30 = data24.permissionsBoundary;
if(typeof data30 === "string"){
if(!pattern11.test(data30)){
const err61 = {instancePath:instancePath+"/iam/permissionsBoundary",schemaPath:"#/properties/iam/properties/permissionsBoundary/pattern",keyword:"pattern",params:{pattern: "^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$"},message:"must match pattern \""+"^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$"+"\"",schema:"^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$",parentSchema:schema11.properties.iam.properties.permissionsBoundary,data:data30};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
else {
const err62 = {instancePath:instancePath+"/iam/permissionsBoundary",schemaPath:"#/properties/iam/properties/permissionsBoundary/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.iam.properties.permissionsBoundary.type,parentSchema:schema11.properties.iam.properties.permissionsBoundary,data:data30};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data24.path !== undefined){
let data31 = data24.path;
if(typeof data31 === "string"){
if(!pattern12.test(data31)){
const err63 = {instancePath:instancePath+"/iam/path",schemaPath:"#/properties/iam/properties/path/pattern",keyword:"pattern",params:{pattern: "^/([\\x21-\\x7E]*/)?$"},message:"must match pattern \""+"^/([\\x21-\\x7E]*/)?$"+"\"",schema:"^/([\\x21-\\x7E]*/)?$",parentSchema:schema11.properties.iam.properties.path,data:data31};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
else {
const err64 = {instancePath:instancePath+"/iam/path",schemaPath:"#/properties/iam/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.iam.properties.path.type,parentSchema:schema11.properties.iam.properties.path,data:data31};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
}
else {
const err65 = {instancePath:instancePath+"/iam",schemaPath:"#/properties/iam/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.iam.type,parentSchema:schema11.properties.iam,data:data24};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
if(data.interruption !== undefined){
let data32 = data.interruption;
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
for(const key7 in data32){
if(!((key7 === "enabled") || (key7 === "queue"))){
const err66 = {instancePath:instancePath+"/interruption",schemaPath:"#/properties/interruption/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.interruption,data:data32};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
}
if(data32.enabled !== undefined){
let data33 = data32.enabled;
if(typeof data33 !== "boolean"){
const err67 = {instancePath:instancePath+"/interruption/enabled",schemaPath:"#/properties/interruption/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.interruption.properties.enabled.type,parentSchema:schema11.properties.interruption.properties.enabled,data:data33};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data32.queue !== undefined){
let data34 = data32.queue;
if(typeof data34 === "string"){
if(!pattern13.test(data34)){
const err68 = {instancePath:instancePath+"/interruption/queue",schemaPath:"#/properties/interruption/properties/queue/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9_-]{1,80}$"},message:"must match pattern \""+"^[A-Za-z0-9_-]{1,80}$"+"\"",schema:"^[A-Za-z0-9_-]{1,80}$",parentSchema:schema11.properties.interruption.properties.queue,data:data34};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/interruption/queue",schemaPath:"#/properties/interruption/properties/queue/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.interruption.properties.queue.type,parentSchema:schema11.properties.interruption.properties.queue,data:data34};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
}
else {
const err70 = {instancePath:instancePath+"/interruption",schemaPath:"#/properties/interruption/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.interruption.type,parentSchema:schema11.properties.interruption,data:data32};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data.nodePools !== undefined){
let data35 = data.nodePools;
if(Array.isArray(data35)){
if(data35.length < 1){
const err71 = {instancePath:instancePath+"/nodePools",schemaPath:"#/properties/nodePools/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.nodePools,data:data35};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
const len0 = data35.length;
for(let i0=0; i0<len0; i0++){
let data36 = data35[i0];
if(data36 && typeof data36 == "object" && !Array.isArray(data36)){
if(data36.name === undefined){
const err72 = {instancePath:instancePath+"/nodePools/" + i0,schemaPath:"#/properties/nodePools/items/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema11.properties.nodePools.items.required,parentSchema:schema11.properties.nodePools.items,data:data36};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
for(const key8 in data36){
if(!(func2.call(schema11.properties.nodePools.items.properties, key8))){
const err73 = {instancePath:instancePath+"/nodePools/" + i0,schemaPath:"#/properties/nodePools/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.nodePools.items,data:data36};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
if(data36.name !== undefined){
let data37 = data36.name;
if(typeof data37 === "string"){
if(func3(data37) > 63){
const err74 = {instancePath:instancePath+"/nodePools/" + i0+"/name",schemaPath:"#/properties/nodePools/items/properties/name/maxLength",keyword:"maxLength",params:{limit: 63},message:"must NOT have more than 63 characters",schema:63,parentSchema:schema11.properties.nodePools.items.properties.name,data:data37};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
if(!pattern4.test(data37)){
const err75 = {instancePath:instancePath+"/nodePools/" + i0+"/name",schemaPath:"#/properties/nodePools/items/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",parentSchema:schema11.properties.nodePools.items.properties.name,data:data37};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
}
else {
const err76 = {instancePath:instancePath+"/nodePools/" + i0+"/name",schemaPath:"#/properties/nodePools/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.name.type,parentSchema:schema11.properties.nodePools.items.properties.name,data:data37};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
if(data36.instanceTypes !== undefined){
let data38 = data36.instanceTypes;
if(Array.isArray(data38)){
const len1 = data38.length;
for(let i1=0; i1<len1; i1++){
let data39 = data38[i1];
if(typeof data39 === "string"){
if(!pattern15.test(data39)){
const err77 = {instancePath:instancePath+"/nodePools/" + i0+"/instanceTypes/" + i1,schemaPath:"#/properties/nodePools/items/properties/instanceTypes/items/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9-]+\\.[a-z0-9-]+$"},message:"must match pattern \""+"^[a-z0-9-]+\\.[a-z0-9-]+$"+"\"",schema:"^[a-z0-9-]+\\.[a-z0-9-]+$",parentSchema:schema11.properties.nodePools.items.properties.instanceTypes.items,data:data39};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
else {
const err78 = {instancePath:instancePath+"/nodePools/" + i0+"/instanceTypes/" + i1,schemaPath:"#/properties/nodePools/items/properties/instanceTypes/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.instanceTypes.items.type,parentSchema:schema11.properties.nodePools.items.properties.instanceTypes.items,data:data39};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
let i2 = data38.length;
let j0;
if(i2 > 1){
const indices0 = {};
for(;i2--;){
let item0 = data38[i2];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err79 = {instancePath:instancePath+"/nodePools/" + i0+"/instanceTypes",schemaPath:"#/properties/nodePools/items/properties/instanceTypes/uniqueItems",keyword:"uniqueItems",params:{i: i2, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i2+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.instanceTypes,data:data38};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
break;
}
indices0[item0] = i2;
}
}
}
else {
const err80 = {instancePath:instancePath+"/nodePools/" + i0+"/instanceTypes",schemaPath:"#/properties/nodePools/items/properties/instanceTypes/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.instanceTypes.type,parentSchema:schema11.properties.nodePools.items.properties.instanceTypes,data:data38};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
if(data36.architectures !== undefined){
let data40 = data36.architectures;
if(Array.isArray(data40)){
if(data40.length < 1){
const err81 = {instancePath:instancePath+"/nodePools/" + i0+"/architectures",schemaPath:"#/properties/nodePools/items/properties/architectures/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.nodePools.items.properties.architectures,data:data40};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
const len2 = data40.length;
for(let i3=0; i3<len2; i3++){
let data41 = data40[i3];
if(typeof data41 !== "string"){
const err82 = {instancePath:instancePath+"/nodePools/" + i0+"/architectures/" + i3,schemaPath:"#/properties/nodePools/items/properties/architectures/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.architectures.items.type,parentSchema:schema11.properties.nodePools.items.properties.architectures.items,data:data41};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(!((data41 === "amd64") || (data41 === "arm64"))){
const err83 = {instancePath:instancePath+"/nodePools/" + i0+"/architectures/" + i3,schemaPath:"#/properties/nodePools/items/properties/architectures/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.nodePools.items.properties.architectures.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.nodePools.items.properties.architectures.items.enum,parentSchema:schema11.properties.nodePools.items.properties.architectures.items,data:data41};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
let i4 = data40.length;
let j1;
if(i4 > 1){
const indices1 = {};
for(;i4--;){
let item1 = data40[i4];
if(typeof item1 !== "string"){
continue;
}
if(typeof indices1[item1] == "number"){
j1 = indices1[item1];
const err84 = {instancePath:instancePath+"/nodePools/" + i0+"/architectures",schemaPath:"#/properties/nodePools/items/properties/architectures/uniqueItems",keyword:"uniqueItems",params:{i: i4, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i4+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.architectures,data:data40};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
break;
}
indices1[item1] = i4;
}
}
}
else {
const err85 = {instancePath:instancePath+"/nodePools/" + i0+"/architectures",schemaPath:"#/properties/nodePools/items/properties/architectures/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.architectures.type,parentSchema:schema11.properties.nodePools.items.properties.architectures,data:data40};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
}
if(data36.zones !== undefined){
let data42 = data36.zones;
if(Array.isArray(data42)){
const len3 = data42.length;
for(let i5=0; i5<len3; i5++){
let data43 = data42[i5];
if(typeof data43 === "string"){
if(!pattern16.test(data43)){
const err86 = {instancePath:instancePath+"/nodePools/" + i0+"/zones/" + i5,schemaPath:"#/properties/nodePools/items/properties/zones/items/pattern",keyword:"pattern",params:{pattern: "^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$"},message:"must match pattern \""+"^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$"+"\"",schema:"^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$",parentSchema:schema11.properties.nodePools.items.properties.zones.items,data:data43};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
}
else {
const err87 = {instancePath:instancePath+"/nodePools/" + i0+"/zones/" + i5,schemaPath:"#/properties/nodePools/items/properties/zones/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.zones.items.type,parentSchema:schema11.properties.nodePools.items.properties.zones.items,data:data43};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
let i6 = data42.length;
let j2;
if(i6 > 1){
const indices2 = {};
for(;i6--;){
let item2 = data42[i6];
if(typeof item2 !== "string"){
continue;
}
if(typeof indices2[item2] == "number"){
j2 = indices2[item2];
const err88 = {instancePath:instancePath+"/nodePools/" + i0+"/zones",schemaPath:"#/properties/nodePools/items/properties/zones/uniqueItems",keyword:"uniqueItems",params:{i: i6, j: j2},message:"must NOT have duplicate items (items ## "+j2+" and "+i6+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.zones,data:data42};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
break;
}
indices2[item2] = i6;
}
}
}
else {
const err89 = {instancePath:instancePath+"/nodePools/" + i0+"/zones",schemaPath:"#/properties/nodePools/items/properties/zones/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.zones.type,parentSchema:schema11.properties.nodePools.items.properties.zones,data:data42};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
if(data36.capacityTypes !== undefined){
let data44 = data36.capacityTypes;
if(Array.isArray(data44)){
if(data44.length < 1){
const err90 = {instancePath:instancePath+"/nodePools/" + i0+"/capacityTypes",schemaPath:"#/properties/nodePools/items/properties/capacityTypes/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.nodePools.items.properties.capacityTypes,data:data44};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
const len4 = data44.length;
for(let i7=0; i7<len4; i7++){
let data45 = data44[i7];
if(typeof data45 !== "string"){
const err91 = {instancePath:instancePath+"/nodePools/" + i0+"/capacityTypes/" + i7,schemaPath:"#/properties/nodePools/items/properties/capacityTypes/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.capacityTypes.items.type,parentSchema:schema11.properties.nodePools.items.properties.capacityTypes.items,data:data45};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
if(!(((data45 === "on-demand") || (data45 === "spot")) || (data45 === "reserved"))){
const err92 = {instancePath:instancePath+"/nodePools/" + i0+"/capacityTypes/" + i7,schemaPath:"#/properties/nodePools/items/properties/capacityTypes/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.nodePools.items.properties.capacityTypes.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.nodePools.items.properties.capacityTypes.items.enum,parentSchema:schema11.properties.nodePools.items.properties.capacityTypes.items,data:data45};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
let i8 = data44.length;
let j3;
if(i8 > 1){
const indices3 = {};
for(;i8--;){
let item3 = data44[i8];
if(typeof item3 !== "string"){
continue;
}
if(typeof indices3[item3] == "number"){
j3 = indices3[item3];
const err93 = {instancePath:instancePath+"/nodePools/" + i0+"/capacityTypes",schemaPath:"#/properties/nodePools/items/properties/capacityTypes/uniqueItems",keyword:"uniqueItems",params:{i: i8, j: j3},message:"must NOT have duplicate items (items ## "+j3+" and "+i8+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.capacityTypes,data:data44};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
break;
}
indices3[item3] = i8;
}
}
}
else {
const err94 = {instancePath:instancePath+"/nodePools/" + i0+"/capacityTypes",schemaPath:"#/properties/nodePools/items/properties/capacityTypes/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.capacityTypes.type,parentSchema:schema11.properties.nodePools.items.properties.capacityTypes,data:data44};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
if(data36.subnetSelector !== undefined){
let data46 = data36.subnetSelector;
if(data46 && typeof data46 == "object" && !Array.isArray(data46)){
if(Object.keys(data46).length < 1){
const err95 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetSelector",schemaPath:"#/definitions/tagSelector/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema16,data:data46};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
for(const key9 in data46){
let data47 = data46[key9];
if(typeof data47 !== "string"){
const err96 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetSelector/" + key9.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/tagSelector/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.additionalProperties.type,parentSchema:schema16.additionalProperties,data:data47};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
}
}
else {
const err97 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetSelector",schemaPath:"#/definitions/tagSelector/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema16.type,parentSchema:schema16,data:data46};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
if(data36.subnetIds !== undefined){
let data48 = data36.subnetIds;
if(Array.isArray(data48)){
if(data48.length < 1){
const err98 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetIds",schemaPath:"#/properties/nodePools/items/properties/subnetIds/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.nodePools.items.properties.subnetIds,data:data48};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
const len5 = data48.length;
for(let i9=0; i9<len5; i9++){
let data49 = data48[i9];
if(typeof data49 === "string"){
if(!pattern17.test(data49)){
const err99 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetIds/" + i9,schemaPath:"#/properties/nodePools/items/properties/subnetIds/items/pattern",keyword:"pattern",params:{pattern: "^subnet-[0-9a-f]+$"},message:"must match pattern \""+"^subnet-[0-9a-f]+$"+"\"",schema:"^subnet-[0-9a-f]+$",parentSchema:schema11.properties.nodePools.items.properties.subnetIds.items,data:data49};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
else {
const err100 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetIds/" + i9,schemaPath:"#/properties/nodePools/items/properties/subnetIds/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.subnetIds.items.type,parentSchema:schema11.properties.nodePools.items.properties.subnetIds.items,data:data49};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
let i10 = data48.length;
let j4;
if(i10 > 1){
const indices4 = {};
for(;i10--;){
let item4 = data48[i10];
if(typeof item4 !== "string"){
continue;
}
if(typeof indices4[item4] == "number"){
j4 = indices4[item4];
const err101 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetIds",schemaPath:"#/properties/nodePools/items/properties/subnetIds/uniqueItems",keyword:"uniqueItems",params:{i: i10, j: j4},message:"must NOT have duplicate items (items ## "+j4+" and "+i10+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.subnetIds,data:data48};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
break;
}
indices4[item4] = i10;
}
}
}
else {
const err102 = {instancePath:instancePath+"/nodePools/" + i0+"/subnetIds",schemaPath:"#/properties/nodePools/items/properties/subnetIds/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.subnetIds.type,parentSchema:schema11.properties.nodePools.items.properties.subnetIds,data:data48};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
if(data36.securityGroupSelector !== undefined){
let data50 = data36.securityGroupSelector;
if(data50 && typeof data50 == "object" && !Array.isArray(data50)){
if(Object.keys(data50).length < 1){
const err103 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupSelector",schemaPath:"#/definitions/tagSelector/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema16,data:data50};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
for(const key10 in data50){
let data51 = data50[key10];
if(typeof data51 !== "string"){
const err104 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupSelector/" + key10.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/tagSelector/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.additionalProperties.type,parentSchema:schema16.additionalProperties,data:data51};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
}
else {
const err105 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupSelector",schemaPath:"#/definitions/tagSelector/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema16.type,parentSchema:schema16,data:data50};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
if(data36.securityGroupIds !== undefined){
let data52 = data36.securityGroupIds;
if(Array.isArray(data52)){
if(data52.length < 1){
const err106 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupIds",schemaPath:"#/properties/nodePools/items/properties/securityGroupIds/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.nodePools.items.properties.securityGroupIds,data:data52};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
const len6 = data52.length;
for(let i11=0; i11<len6; i11++){
let data53 = data52[i11];
if(typeof data53 === "string"){
if(!pattern18.test(data53)){
const err107 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupIds/" + i11,schemaPath:"#/properties/nodePools/items/properties/securityGroupIds/items/pattern",keyword:"pattern",params:{pattern: "^sg-[0-9a-f]+$"},message:"must match pattern \""+"^sg-[0-9a-f]+$"+"\"",schema:"^sg-[0-9a-f]+$",parentSchema:schema11.properties.nodePools.items.properties.securityGroupIds.items,data:data53};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
else {
const err108 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupIds/" + i11,schemaPath:"#/properties/nodePools/items/properties/securityGroupIds/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.securityGroupIds.items.type,parentSchema:schema11.properties.nodePools.items.properties.securityGroupIds.items,data:data53};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
let i12 = data52.length;
let j5;
if(i12 > 1){
const indices5 = {};
for(;i12--;){
let item5 = data52[i12];
if(typeof item5 !== "string"){
continue;
}
if(typeof indices5[item5] == "number"){
j5 = indices5[item5];
const err109 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupIds",schemaPath:"#/properties/nodePools/items/properties/securityGroupIds/uniqueItems",keyword:"uniqueItems",params:{i: i12, j: j5},message:"must NOT have duplicate items (items ## "+j5+" and "+i12+" are identical)",schema:true,parentSchema:schema11.properties.nodePools.items.properties.securityGroupIds,data:data52};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
break;
}
indices5[item5] = i12;
}
}
}
else {
const err110 = {instancePath:instancePath+"/nodePools/" + i0+"/securityGroupIds",schemaPath:"#/properties/nodePools/items/properties/securityGroupIds/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.securityGroupIds.type,parentSchema:schema11.properties.nodePools.items.properties.securityGroupIds,data:data52};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
if(data36.consolidateAfter !== undefined){
let data54 = data36.consolidateAfter;
if(typeof data54 === "string"){
if(!pattern19.test(data54)){
const err111 = {instancePath:instancePath+"/nodePools/" + i0+"/consolidateAfter",schemaPath:"#/properties/nodePools/items/properties/consolidateAfter/pattern",keyword:"pattern",params:{pattern: "^(([0-9]+(s|m|h))+|Never)$"},message:"must match pattern \""+"^(([0-9]+(s|m|h))+|Never)$"+"\"",schema:"^(([0-9]+(s|m|h))+|Never)$",parentSchema:schema11.properties.nodePools.items.properties.consolidateAfter,data:data54};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
else {
const err112 = {instancePath:instancePath+"/nodePools/" + i0+"/consolidateAfter",schemaPath:"#/properties/nodePools/items/properties/consolidateAfter/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.consolidateAfter.type,parentSchema:schema11.properties.nodePools.items.properties.consolidateAfter,data:data54};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
if(data36.consolidationPolicy !== undefined){
let data55 = data36.consolidationPolicy;
if(typeof data55 !== "string"){
const err113 = {instancePath:instancePath+"/nodePools/" + i0+"/consolidationPolicy",schemaPath:"#/properties/nodePools/items/properties/consolidationPolicy/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.consolidationPolicy.type,parentSchema:schema11.properties.nodePools.items.properties.consolidationPolicy,data:data55};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
if(!((data55 === "WhenEmpty") || (data55 === "WhenEmptyOrUnderutilized"))){
const err114 = {instancePath:instancePath+"/nodePools/" + i0+"/consolidationPolicy",schemaPath:"#/properties/nodePools/items/properties/consolidationPolicy/enum",keyword:"enum",params:{allowedValues: schema11.properties.nodePools.items.properties.consolidationPolicy.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.nodePools.items.properties.consolidationPolicy.enum,parentSchema:schema11.properties.nodePools.items.properties.consolidationPolicy,data:data55};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
}
if(data36.expireAfter !== undefined){
let data56 = data36.expireAfter;
if(typeof data56 === "string"){
if(!pattern19.test(data56)){
const err115 = {instancePath:instancePath+"/nodePools/" + i0+"/expireAfter",schemaPath:"#/properties/nodePools/items/properties/expireAfter/pattern",keyword:"pattern",params:{pattern: "^(([0-9]+(s|m|h))+|Never)$"},message:"must match pattern \""+"^(([0-9]+(s|m|h))+|Never)$"+"\"",schema:"^(([0-9]+(s|m|h))+|Never)$",parentSchema:schema11.properties.nodePools.items.properties.expireAfter,data:data56};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
else {
const err116 = {instancePath:instancePath+"/nodePools/" + i0+"/expireAfter",schemaPath:"#/properties/nodePools/items/properties/expireAfter/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.expireAfter.type,parentSchema:schema11.properties.nodePools.items.properties.expireAfter,data:data56};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
}
if(data36.amiAlias !== undefined){
let data57 = data36.amiAlias;
if(typeof data57 === "string"){
if(!pattern21.test(data57)){
const err117 = {instancePath:instancePath+"/nodePools/" + i0+"/amiAlias",schemaPath:"#/properties/nodePools/items/properties/amiAlias/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]+@v?[0-9A-Za-z.]+$"},message:"must match pattern \""+"^[a-z0-9]+@v?[0-9A-Za-z.]+$"+"\"",schema:"^[a-z0-9]+@v?[0-9A-Za-z.]+$",parentSchema:schema11.properties.nodePools.items.properties.amiAlias,data:data57};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
}
else {
const err118 = {instancePath:instancePath+"/nodePools/" + i0+"/amiAlias",schemaPath:"#/properties/nodePools/items/properties/amiAlias/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.amiAlias.type,parentSchema:schema11.properties.nodePools.items.properties.amiAlias,data:data57};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
if(data36.limits !== undefined){
let data58 = data36.limits;
if(data58 && typeof data58 == "object" && !Array.isArray(data58)){
for(const key11 in data58){
let data59 = data58[key11];
if((typeof data59 !== "string") && (!(typeof data59 == "number"))){
const err119 = {instancePath:instancePath+"/nodePools/" + i0+"/limits/" + key11.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/nodePools/items/properties/limits/additionalProperties/type",keyword:"type",params:{type: schema11.properties.nodePools.items.properties.limits.additionalProperties.type},message:"must be string,number",schema:schema11.properties.nodePools.items.properties.limits.additionalProperties.type,parentSchema:schema11.properties.nodePools.items.properties.limits.additionalProperties,data:data59};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
}
else {
const err120 = {instancePath:instancePath+"/nodePools/" + i0+"/limits",schemaPath:"#/properties/nodePools/items/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.nodePools.items.properties.limits.type,parentSchema:schema11.properties.nodePools.items.properties.limits,data:data58};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
}
if(data36.labels !== undefined){
let data60 = data36.labels;
if(data60 && typeof data60 == "object" && !Array.isArray(data60)){
for(const key12 in data60){
let data61 = data60[key12];
if(typeof data61 !== "string"){
const err121 = {instancePath:instancePath+"/nodePools/" + i0+"/labels/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/nodePools/items/properties/labels/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.labels.additionalProperties.type,parentSchema:schema11.properties.nodePools.items.properties.labels.additionalProperties,data:data61};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
}
}
else {
const err122 = {instancePath:instancePath+"/nodePools/" + i0+"/labels",schemaPath:"#/properties/nodePools/items/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.nodePools.items.properties.labels.type,parentSchema:schema11.properties.nodePools.items.properties.labels,data:data60};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
}
if(data36.taints !== undefined){
let data62 = data36.taints;
if(Array.isArray(data62)){
const len7 = data62.length;
for(let i13=0; i13<len7; i13++){
let data63 = data62[i13];
if(data63 && typeof data63 == "object" && !Array.isArray(data63)){
if(data63.key === undefined){
const err123 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13,schemaPath:"#/properties/nodePools/items/properties/taints/items/required",keyword:"required",params:{missingProperty: "key"},message:"must have required property '"+"key"+"'",schema:schema11.properties.nodePools.items.properties.taints.items.required,parentSchema:schema11.properties.nodePools.items.properties.taints.items,data:data63};
if(vErrors === null){
vErrors = [err123];
}
else {
vErrors.push(err123);
}
errors++;
}
if(data63.effect === undefined){
const err124 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13,schemaPath:"#/properties/nodePools/items/properties/taints/items/required",keyword:"required",params:{missingProperty: "effect"},message:"must have required property '"+"effect"+"'",schema:schema11.properties.nodePools.items.properties.taints.items.required,parentSchema:schema11.properties.nodePools.items.properties.taints.items,data:data63};
if(vErrors === null){
vErrors = [err124];
}
else {
vErrors.push(err124);
}
errors++;
}
for(const key13 in data63){
if(!(((key13 === "key") || (key13 === "value")) || (key13 === "effect"))){
const err125 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13,schemaPath:"#/properties/nodePools/items/properties/taints/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.nodePools.items.properties.taints.items,data:data63};
if(vErrors === null){
vErrors = [err125];
}
else {
vErrors.push(err125);
}
errors++;
}
}
if(data63.key !== undefined){
let data64 = data63.key;
if(typeof data64 !== "string"){
const err126 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13+"/key",schemaPath:"#/properties/nodePools/items/properties/taints/items/properties/key/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.taints.items.properties.key.type,parentSchema:schema11.properties.nodePools.items.properties.taints.items.properties.key,data:data64};
if(vErrors === null){
vErrors = [err126];
}
else {
vErrors.push(err126);
}
errors++;
}
}
if(data63.value !== undefined){
let data65 = data63.value;
if(typeof data65 !== "string"){
const err127 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13+"/value",schemaPath:"#/properties/nodePools/items/properties/taints/items/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.taints.items.properties.value.type,parentSchema:schema11.properties.nodePools.items.properties.taints.items.properties.value,data:data65};
if(vErrors === null){
vErrors = [err127];
}
else {
vErrors.push(err127);
}
errors++;
}
}
if(data63.effect !== undefined){
let data66 = data63.effect;
if(typeof data66 !== "string"){
const err128 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13+"/effect",schemaPath:"#/properties/nodePools/items/properties/taints/items/properties/effect/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.taints.items.properties.effect.type,parentSchema:schema11.properties.nodePools.items.properties.taints.items.properties.effect,data:data66};
if(vErrors === null){
vErrors = [err128];
}
else {
vErrors.push(err128);
}
errors++;
}
if(!(((data66 === "NoSchedule") || (data66 === "PreferNoSchedule")) || (data66 === "NoExecute"))){
const err129 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13+"/effect",schemaPath:"#/properties/nodePools/items/properties/taints/items/properties/effect/enum",keyword:"enum",params:{allowedValues: schema11.properties.nodePools.items.properties.taints.items.properties.effect.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.nodePools.items.properties.taints.items.properties.effect.enum,parentSchema:schema11.properties.nodePools.items.properties.taints.items.properties.effect,data:data66};
if(vErrors === null){
vErrors = [err129];
}
else {
vErrors.push(err129);
}
errors++;
}
}
}
else {
const err130 = {instancePath:instancePath+"/nodePools/" + i0+"/taints/" + i13,schemaPath:"#/properties/nodePools/items/properties/taints/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.nodePools.items.properties.taints.items.type,parentSchema:schema11.properties.nodePools.items.properties.taints.items,data:data63};
if(vErrors === null){
vErrors = [err130];
}
else {
vErrors.push(err130);
}
errors++;
}
}
}
else {
const err131 = {instancePath:instancePath+"/nodePools/" + i0+"/taints",schemaPath:"#/properties/nodePools/items/properties/taints/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.items.properties.taints.type,parentSchema:schema11.properties.nodePools.items.properties.taints,data:data62};
if(vErrors === null){
vErrors = [err131];
}
else {
vErrors.push(err131);
}
errors++;
}
}
if(data36.weight !== undefined){
let data67 = data36.weight;
if(!((typeof data67 == "number") && (!(data67 % 1) && !isNaN(data67)))){
const err132 = {instancePath:instancePath+"/nodePools/" + i0+"/weight",schemaPath:"#/properties/nodePools/items/properties/weight/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.nodePools.items.properties.weight.type,parentSchema:schema11.properties.nodePools.items.properties.weight,data:data67};
if(vErrors === null){
vErrors = [err132];
}
else {
vErrors.push(err132);
}
errors++;
}
if(typeof data67 == "number"){
if(data67 > 100 || isNaN(data67)){
const err133 = {instancePath:instancePath+"/nodePools/" + i0+"/weight",schemaPath:"#/properties/nodePools/items/properties/weight/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema11.properties.nodePools.items.properties.weight,data:data67};
if(vErrors === null){
vErrors = [err133];
}
else {
vErrors.push(err133);
}
errors++;
}
if(data67 < 1 || isNaN(data67)){
const err134 = {instancePath:instancePath+"/nodePools/" + i0+"/weight",schemaPath:"#/properties/nodePools/items/properties/weight/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.nodePools.items.properties.weight,data:data67};
if(vErrors === null){
vErrors = [err134];
}
else {
vErrors.push(err134);
}
errors++;
}
}
}
if(data36.tags !== undefined){
let data68 = data36.tags;
if(data68 && typeof data68 == "object" && !Array.isArray(data68)){
for(const key14 in data68){
let data69 = data68[key14];
if(typeof data69 !== "string"){
const err135 = {instancePath:instancePath+"/nodePools/" + i0+"/tags/" + key14.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/nodePools/items/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.nodePools.items.properties.tags.additionalProperties.type,parentSchema:schema11.properties.nodePools.items.properties.tags.additionalProperties,data:data69};
if(vErrors === null){
vErrors = [err135];
}
else {
vErrors.push(err135);
}
errors++;
}
}
}
else {
const err136 = {instancePath:instancePath+"/nodePools/" + i0+"/tags",schemaPath:"#/properties/nodePools/items/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.nodePools.items.properties.tags.type,parentSchema:schema11.properties.nodePools.items.properties.tags,data:data68};
if(vErrors === null){
vErrors = [err136];
}
else {
vErrors.push(err136);
}
errors++;
}
}
}
else {
const err137 = {instancePath:instancePath+"/nodePools/" + i0,schemaPath:"#/properties/nodePools/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.nodePools.items.type,parentSchema:schema11.properties.nodePools.items,data:data36};
if(vErrors === null){
vErrors = [err137];
}
else {
vErrors.push(err137);
}
errors++;
}
}
}
else {
const err138 = {instancePath:instancePath+"/nodePools",schemaPath:"#/properties/nodePools/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.nodePools.type,parentSchema:schema11.properties.nodePools,data:data35};
if(vErrors === null){
vErrors = [err138];
}
else {
vErrors.push(err138);
}
errors++;
}
}
if(data.state !== undefined){
let data70 = data.state;
if(data70 && typeof data70 == "object" && !Array.isArray(data70)){
if(data70.bucket === undefined){
const err139 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/required",keyword:"required",params:{missingProperty: "bucket"},message:"must have required property '"+"bucket"+"'",schema:schema11.properties.state.required,parentSchema:schema11.properties.state,data:data70};
if(vErrors === null){
vErrors = [err139];
}
else {
vErrors.push(err139);
}
errors++;
}
if(data70.key === undefined){
const err140 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/required",keyword:"required",params:{missingProperty: "key"},message:"must have required property '"+"key"+"'",schema:schema11.properties.state.required,parentSchema:schema11.properties.state,data:data70};
if(vErrors === null){
vErrors = [err140];
}
else {
vErrors.push(err140);
}
errors++;
}
for(const key15 in data70){
if(!(((key15 === "bucket") || (key15 === "key")) || (key15 === "region"))){
const err141 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key15},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.state,data:data70};
if(vErrors === null){
vErrors = [err141];
}
else {
vErrors.push(err141);
}
errors++;
}
}
if(data70.bucket !== undefined){
let data71 = data70.bucket;
if(typeof data71 === "string"){
if(!pattern22.test(data71)){
const err142 = {instancePath:instancePath+"/state/bucket",schemaPath:"#/properties/state/properties/bucket/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"},message:"must match pattern \""+"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"+"\"",schema:"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",parentSchema:schema11.properties.state.properties.bucket,data:data71};
if(vErrors === null){
vErrors = [err142];
}
else {
vErrors.push(err142);
}
errors++;
}
}
else {
const err143 = {instancePath:instancePath+"/state/bucket",schemaPath:"#/properties/state/properties/bucket/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.state.properties.bucket.type,parentSchema:schema11.properties.state.properties.bucket,data:data71};
if(vErrors === null){
vErrors = [err143];
}
else {
vErrors.push(err143);
}
errors++;
}
}
if(data70.key !== undefined){
let data72 = data70.key;
if(typeof data72 === "string"){
if(func3(data72) < 1){
const err144 = {instancePath:instancePath+"/state/key",schemaPath:"#/properties/state/properties/key/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.state.properties.key,data:data72};
if(vErrors === null){
vErrors = [err144];
}
else {
vErrors.push(err144);
}
errors++;
}
}
else {
const err145 = {instancePath:instancePath+"/state/key",schemaPath:"#/properties/state/properties/key/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.state.properties.key.type,parentSchema:schema11.properties.state.properties.key,data:data72};
if(vErrors === null){
vErrors = [err145];
}
else {
vErrors.push(err145);
}
errors++;
}
}
if(data70.region !== undefined){
let data73 = data70.region;
if(typeof data73 === "string"){
if(!pattern1.test(data73)){
const err146 = {instancePath:instancePath+"/state/region",schemaPath:"#/properties/state/properties/region/pattern",keyword:"pattern",params:{pattern: "^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$"},message:"must match pattern \""+"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$"+"\"",schema:"^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$",parentSchema:schema11.properties.state.properties.region,data:data73};
if(vErrors === null){
vErrors = [err146];
}
else {
vErrors.push(err146);
}
errors++;
}
}
else {
const err147 = {instancePath:instancePath+"/state/region",schemaPath:"#/properties/state/properties/region/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.state.properties.region.type,parentSchema:schema11.properties.state.properties.region,data:data73};
if(vErrors === null){
vErrors = [err147];
}
else {
vErrors.push(err147);
}
errors++;
}
}
}
else {
const err148 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.state.type,parentSchema:schema11.properties.state,data:data70};
if(vErrors === null){
vErrors = [err148];
}
else {
vErrors.push(err148);
}
errors++;
}
}
if(data.tags !== undefined){
let data74 = data.tags;
if(data74 && typeof data74 == "object" && !Array.isArray(data74)){
for(const key16 in data74){
let data75 = data74[key16];
if(typeof data75 !== "string"){
const err149 = {instancePath:instancePath+"/tags/" + key16.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/tags/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.tags.additionalProperties.type,parentSchema:schema11.properties.tags.additionalProperties,data:data75};
if(vErrors === null){
vErrors = [err149];
}
else {
vErrors.push(err149);
}
errors++;
}
}
}
else {
const err150 = {instancePath:instancePath+"/tags",schemaPath:"#/properties/tags/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.tags.type,parentSchema:schema11.properties.tags,data:data74};
if(vErrors === null){
vErrors = [err150];
}
else {
vErrors.push(err150);
}
errors++;
}
}
if(data.destroyAdopted !== undefined){
let data76 = data.destroyAdopted;
if(typeof data76 !== "boolean"){
const err151 = {instancePath:instancePath+"/destroyAdopted",schemaPath:"#/properties/destroyAdopted/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.destroyAdopted.type,parentSchema:schema11.properties.destroyAdopted,data:data76};
if(vErrors === null){
vErrors = [err151];
}
else {
vErrors.push(err151);
}
errors++;
}
}
}
else {
const err152 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err152];
}
else {
vErrors.push(err152);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}


;// CONCATENATED MODULE: ./src/config/rules.ts
/** A key of a map in a field name: `labels.team`, or `labels["karpenter.sh/x"]` when it is not a plain word. */
function keyField(base, key) {
    return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
const show = (s) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}...` : s);
// Kubernetes' rules (apimachinery validation): a DNS-1123 subdomain prefix, a name of 63 characters at most.
const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Why `key` is no Kubernetes qualified name (prefix/name), or undefined. */
function qualifiedNameProblem(key) {
    if (!key)
        return 'is empty';
    const parts = key.split('/');
    if (parts.length > 2)
        return 'has more than one "/"';
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined && (!prefix || prefix.length > 253 || !SUBDOMAIN.test(prefix)))
        return `has the prefix ${show(prefix)}, which is no DNS subdomain (lower case letters, digits, "-" and ".")`;
    if (!name || name.length > 63 || !NAME.test(name))
        return 'must be 63 characters at most of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    return undefined;
}
/** Why `value` is no Kubernetes label value, or undefined. */
function labelValueProblem(value) {
    if (value === '')
        return undefined;
    if (value.length > 63 || !NAME.test(value))
        return 'must be empty or 63 characters at most of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
    return undefined;
}
// The label domains Karpenter keeps for itself, and the labels of them a NodePool may set (the NodePool CRD's
// validation rules for spec.template.metadata.labels).
const KUBERNETES_IO_ALLOWED = new Set([
    'beta.kubernetes.io/instance-type',
    'failure-domain.beta.kubernetes.io/region',
    'beta.kubernetes.io/os',
    'beta.kubernetes.io/arch',
    'failure-domain.beta.kubernetes.io/zone',
    'topology.kubernetes.io/zone',
    'topology.kubernetes.io/region',
    'kubernetes.io/arch',
    'kubernetes.io/os',
    'node.kubernetes.io/windows-build',
]);
const KARPENTER_AWS_ALLOWED = new Set([
    'instance-encryption-in-transit-supported',
    'instance-category',
    'instance-hypervisor',
    'instance-family',
    'instance-generation',
    'instance-local-nvme',
    'instance-size',
    'instance-cpu',
    'instance-memory',
    'instance-network-bandwidth',
    'instance-gpu-name',
    'instance-gpu-manufacturer',
    'instance-gpu-count',
    'instance-gpu-memory',
    'instance-accelerator-name',
    'instance-accelerator-manufacturer',
    'instance-accelerator-count',
].map((l) => `karpenter.k8s.aws/${l}`));
/** Why Karpenter would refuse `key` as a NodePool label (a restricted domain), or undefined. */
function restrictedLabelProblem(key) {
    const domain = key.includes('/') ? key.slice(0, key.indexOf('/')) : '';
    const within = (d) => domain === d || domain.endsWith(`.${d}`);
    if (key === 'kubernetes.io/hostname')
        return 'is set by the kubelet for each node';
    if (within('kubernetes.io') &&
        !KUBERNETES_IO_ALLOWED.has(key) &&
        !within('node.kubernetes.io') &&
        !within('node-restriction.kubernetes.io'))
        return 'is in the domain kubernetes.io, which Karpenter restricts (node.kubernetes.io and node-restriction.kubernetes.io are allowed)';
    if (within('k8s.io') && !within('kops.k8s.io'))
        return 'is in the domain k8s.io, which Karpenter restricts (kops.k8s.io is allowed)';
    if (within('karpenter.sh'))
        return 'is in the domain karpenter.sh, which Karpenter keeps for itself';
    if (within('karpenter.k8s.aws') && !KARPENTER_AWS_ALLOWED.has(key))
        return 'is in the domain karpenter.k8s.aws, which Karpenter restricts (only its instance-* labels are allowed)';
    return undefined;
}
/** Node labels: Kubernetes names and values, Karpenter's restricted domains. */
function labelProblems(labels, base, lineOf, path) {
    const out = [];
    for (const [key, value] of Object.entries(labels ?? {})) {
        const field = keyField(base, key);
        const line = lineOf([...path, key]);
        const name = qualifiedNameProblem(key) ?? restrictedLabelProblem(key);
        if (name)
            out.push({
                field,
                line,
                message: `the label key ${show(key)} ${name}`,
                fix: 'use a key of your own domain, e.g. example.com/team',
            });
        const v = labelValueProblem(value);
        if (v)
            out.push({ field, line, message: `the value ${show(value)} ${v}`, fix: 'shorten or simplify the value' });
    }
    return out;
}
/** Node taints: a qualified-name key, a label-like value. */
function taintProblems(taints, base, lineOf, path) {
    const out = [];
    (taints ?? []).forEach((t, i) => {
        const key = qualifiedNameProblem(t.key);
        if (key)
            out.push({
                field: `${base}[${i}].key`,
                line: lineOf([...path, i, 'key']),
                message: `the taint key ${show(t.key)} ${key}`,
                fix: 'use a key such as example.com/dedicated',
            });
        const value = t.value === undefined ? undefined : labelValueProblem(t.value);
        if (value)
            out.push({
                field: `${base}[${i}].value`,
                line: lineOf([...path, i, 'value']),
                message: `the taint value ${show(t.value)} ${value}`,
                fix: 'shorten or simplify the value',
            });
    });
    return out;
}
/** EC2 tag keys Karpenter sets itself on what it launches (the EC2NodeClass refuses them). */
const KARPENTER_TAGS = [
    /^kubernetes\.io\/cluster\//,
    /^karpenter\.sh\/nodepool$/,
    /^eks:eks-cluster-name$/,
    /^karpenter\.k8s\.aws\/ec2nodeclass$/,
    /^karpenter\.sh\/nodeclaim$/,
];
/** AWS tags: at most 50, keys 1–128 characters without the aws: prefix, values 256 at most. */
function tagProblems(tags, base, lineOf, path, options = {}) {
    const out = [];
    const entries = Object.entries(tags ?? {});
    if (entries.length > 50)
        out.push({
            field: base,
            line: lineOf(path),
            message: `has ${entries.length} tags; AWS allows 50 per resource`,
            fix: 'keep at most 50 tags',
        });
    for (const [key, value] of entries) {
        const field = keyField(base, key);
        const line = lineOf([...path, key]);
        if (!key.trim())
            out.push({ field, line, message: 'has an empty tag key', fix: 'give the tag a key' });
        else if (key.length > 128)
            out.push({
                field,
                line,
                message: `the tag key is ${key.length} characters; AWS allows 128`,
                fix: 'shorten the key',
            });
        if (/^aws:/i.test(key))
            out.push({
                field,
                line,
                message: `the tag key ${show(key)} starts with aws:, which AWS keeps for itself`,
                fix: 'use a key of your own',
            });
        if (options.karpenter && KARPENTER_TAGS.some((r) => r.test(key)))
            out.push({ field, line, message: `the tag key ${show(key)} is one Karpenter sets itself`, fix: 'remove it' });
        if (typeof value === 'string' && value.length > 256)
            out.push({
                field,
                line,
                message: `the tag value is ${value.length} characters; AWS allows 256`,
                fix: 'shorten the value',
            });
    }
    return out;
}
/** A Kubernetes resource quantity: 1000, 0.5, 100m, 1000Gi, 1e3. */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE])?$/;
/** Resource quantities (NodePool limits, controller requests and limits). */
function quantityProblems(values, base, lineOf, path) {
    const out = [];
    for (const [key, value] of Object.entries(values ?? {})) {
        const ok = typeof value === 'number' ? Number.isFinite(value) && value >= 0 : QUANTITY.test(String(value));
        if (!ok)
            out.push({
                field: keyField(base, key),
                line: lineOf([...path, key]),
                message: `${show(String(value))} is no resource quantity`,
                fix: 'write a quantity such as 1000, 500m or 1000Gi',
            });
    }
    return out;
}
/** Levenshtein distance, for "did you mean". */
function editDistance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++)
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
    }
    return prev[b.length];
}
/** The known key closest to `key`, when it is close enough to be a misspelling of it. */
function didYouMean(key, known) {
    if (key.length > 64)
        return undefined;
    let best;
    let bestDistance = Infinity;
    for (const k of known) {
        const d = editDistance(key.toLowerCase(), k.toLowerCase());
        if (d < bestDistance)
            [best, bestDistance] = [k, d];
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined;
}

;// CONCATENATED MODULE: ./src/config/schema.ts
// The JSON Schema of the configuration file: the one source of its keys, their types and their defaults. From it come
// the Config type (src/config/types.ts), the defaults the loader fills in (`<cluster>` stands for cluster.name), and,
// through `npm run schema`, the files in the generated folders: schema/generated/karpenter-config.schema.json for
// editors and src/config/generated/validate-config.js for the loader. A unit test fails when those are stale.
const configSchema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/opsfleet/karpenter-action/schema/generated/karpenter-config.schema.json',
    title: 'karpenter-action configuration',
    description: 'Karpenter on an existing EKS cluster: the IAM it needs, the interruption queue, the Helm release and the node pools.',
    type: 'object',
    additionalProperties: false,
    required: ['cluster', 'nodePools'],
    properties: {
        cluster: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            description: 'The existing EKS cluster.',
            properties: {
                name: {
                    type: 'string',
                    pattern: '^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$',
                    description: 'EKS cluster name.',
                },
                region: {
                    type: 'string',
                    // The same pattern as REGION_PATTERN in src/aws/regions.ts (a unit test keeps them equal).
                    pattern: '^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$',
                    description: 'AWS region of the cluster, e.g. eu-west-1, cn-north-1, us-gov-west-1. The `aws-region` input overrides it.',
                },
                vpcId: {
                    type: 'string',
                    pattern: '^vpc-[0-9a-f]+$',
                    description: "The cluster's VPC. Subnets and security groups must belong to it. Default: the VPC of the cluster.",
                },
                partition: {
                    type: 'string',
                    enum: ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'],
                    description: "AWS partition of every ARN the action builds. Default: the region's (aws-cn, aws-us-gov, aws-iso... for their regions, aws elsewhere); set, it must agree with the region.",
                },
            },
        },
        karpenter: {
            type: 'object',
            additionalProperties: false,
            description: 'The Karpenter installation.',
            properties: {
                version: {
                    type: 'string',
                    pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$',
                    default: '1.14.1',
                    description: 'Karpenter chart version (also selects the controller IAM permissions).',
                },
                chart: {
                    type: 'string',
                    minLength: 1,
                    default: 'oci://public.ecr.aws/karpenter/karpenter',
                    description: 'The Karpenter chart: an OCI reference or a local chart directory.',
                },
                crdChart: {
                    type: 'string',
                    minLength: 1,
                    default: 'oci://public.ecr.aws/karpenter/karpenter-crd',
                    description: 'The Karpenter CRD chart: an OCI reference or a local chart directory.',
                },
                namespace: {
                    type: 'string',
                    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                    maxLength: 63,
                    default: 'karpenter',
                    description: 'Namespace of the Karpenter controller.',
                },
                release: {
                    type: 'string',
                    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                    maxLength: 53,
                    default: 'karpenter',
                    description: 'Helm release name.',
                },
                timeout: {
                    type: 'string',
                    pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
                    default: '10m',
                    description: 'Helm timeout, e.g. 10m (Go duration).',
                },
                auth: {
                    type: 'string',
                    enum: ['irsa', 'pod-identity'],
                    default: 'irsa',
                    description: 'How the controller gets its IAM role: irsa (service-account annotation) or pod-identity.',
                },
                installCrds: {
                    type: 'boolean',
                    default: true,
                    description: 'Install and upgrade the CRD chart before the main chart.',
                },
                destroyCrds: {
                    type: 'boolean',
                    default: false,
                    description: 'mode destroy: also uninstall the CRD chart (deletes every NodePool, EC2NodeClass and NodeClaim).',
                },
                resources: {
                    type: 'object',
                    additionalProperties: false,
                    description: 'Controller container resources.',
                    properties: {
                        requests: { $ref: '#/definitions/resourceList' },
                        limits: { $ref: '#/definitions/resourceList' },
                    },
                },
                values: {
                    type: 'object',
                    default: {},
                    description: 'Extra Helm values, merged last (they win over the values the action builds).',
                },
                extraManifests: {
                    type: 'string',
                    description: 'A folder of your own Kubernetes YAML, applied with server-side apply once Karpenter is ready.',
                },
            },
        },
        iam: {
            type: 'object',
            additionalProperties: false,
            description: 'IAM names. Existing roles, policies and instance profiles of these names are adopted, never recreated.',
            properties: {
                nodeRole: {
                    $ref: '#/definitions/iamName',
                    default: 'KarpenterNodeRole-<cluster>',
                    description: 'Role of the nodes Karpenter launches (trusted by ec2.amazonaws.com).',
                },
                controllerRole: {
                    $ref: '#/definitions/iamName',
                    default: 'KarpenterControllerRole-<cluster>',
                    description: 'Role of the Karpenter controller.',
                },
                controllerPolicy: {
                    type: 'string',
                    pattern: '^[\\w+=,.@-]+$',
                    maxLength: 120,
                    default: 'KarpenterControllerPolicy-<cluster>',
                    description: "Name of the controller's managed policy (split into -2, -3... past IAM's 6,144-character limit).",
                },
                instanceProfile: {
                    type: 'string',
                    pattern: '^[\\w+=,.@-]+$',
                    maxLength: 128,
                    default: 'KarpenterNodeInstanceProfile-<cluster>',
                    description: 'Instance profile holding the node role (a name, not an ARN).',
                },
                nodeAccess: {
                    type: 'string',
                    enum: ['auto', 'access-entry', 'aws-auth'],
                    default: 'auto',
                    description: 'How nodes join: an EKS access entry, the aws-auth ConfigMap, or auto (access entry when the cluster allows it).',
                },
                permissionsBoundary: {
                    type: 'string',
                    pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$',
                    description: 'ARN of a permissions boundary for the roles the action creates.',
                },
                path: {
                    type: 'string',
                    pattern: '^/([\\x21-\\x7E]*/)?$',
                    default: '/',
                    description: 'IAM path of the roles, policies and instance profile.',
                },
            },
        },
        interruption: {
            type: 'object',
            additionalProperties: false,
            description: 'Spot interruption and scheduled-event handling through an SQS queue and EventBridge rules.',
            properties: {
                enabled: { type: 'boolean', default: true, description: 'Create the queue and rules.' },
                queue: {
                    type: 'string',
                    pattern: '^[A-Za-z0-9_-]{1,80}$',
                    default: '<cluster>',
                    description: 'SQS queue name (a name, not a URL or ARN).',
                },
            },
        },
        nodePools: {
            type: 'array',
            minItems: 1,
            description: 'One NodePool and one EC2NodeClass each.',
            items: {
                type: 'object',
                additionalProperties: false,
                required: ['name'],
                properties: {
                    name: {
                        type: 'string',
                        pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
                        maxLength: 63,
                        description: 'NodePool name (also the EC2NodeClass name).',
                    },
                    instanceTypes: {
                        type: 'array',
                        items: { type: 'string', pattern: '^[a-z0-9-]+\\.[a-z0-9-]+$' },
                        uniqueItems: true,
                        description: 'Allowed EC2 instance types; omit to allow any.',
                    },
                    architectures: {
                        type: 'array',
                        items: { type: 'string', enum: ['amd64', 'arm64'] },
                        uniqueItems: true,
                        minItems: 1,
                        default: ['amd64'],
                        description: 'CPU architectures.',
                    },
                    zones: {
                        type: 'array',
                        items: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$' },
                        uniqueItems: true,
                        description: 'Availability zones; omit to allow every zone with a matching subnet.',
                    },
                    capacityTypes: {
                        type: 'array',
                        items: { type: 'string', enum: ['on-demand', 'spot', 'reserved'] },
                        uniqueItems: true,
                        minItems: 1,
                        default: ['on-demand'],
                        description: 'Capacity types.',
                    },
                    subnetSelector: { $ref: '#/definitions/tagSelector', description: "Tags selecting the nodes' subnets." },
                    subnetIds: {
                        type: 'array',
                        items: { type: 'string', pattern: '^subnet-[0-9a-f]+$' },
                        minItems: 1,
                        uniqueItems: true,
                        description: 'Subnet ids (instead of subnetSelector).',
                    },
                    securityGroupSelector: {
                        $ref: '#/definitions/tagSelector',
                        description: "Tags selecting the nodes' security groups.",
                    },
                    securityGroupIds: {
                        type: 'array',
                        items: { type: 'string', pattern: '^sg-[0-9a-f]+$' },
                        minItems: 1,
                        uniqueItems: true,
                        description: 'Security group ids (instead of securityGroupSelector).',
                    },
                    consolidateAfter: {
                        type: 'string',
                        // Karpenter's own pattern for NodePool durations.
                        pattern: '^(([0-9]+(s|m|h))+|Never)$',
                        description: 'How long a node must be empty before it is removed, e.g. 30s (or Never).',
                        default: '30s',
                    },
                    consolidationPolicy: {
                        type: 'string',
                        enum: ['WhenEmpty', 'WhenEmptyOrUnderutilized'],
                        default: 'WhenEmpty',
                        description: 'Disruption policy.',
                    },
                    expireAfter: {
                        type: 'string',
                        pattern: '^(([0-9]+(s|m|h))+|Never)$',
                        default: 'Never',
                        description: 'Maximum node lifetime, e.g. 720h, or Never.',
                    },
                    amiAlias: {
                        type: 'string',
                        pattern: '^[a-z0-9]+@v?[0-9A-Za-z.]+$',
                        default: 'al2023@v20251117',
                        description: 'EC2NodeClass AMI alias, family@version (a pinned version; @latest is refused).',
                    },
                    limits: {
                        type: 'object',
                        additionalProperties: { type: ['string', 'number'] },
                        description: 'NodePool resource limits, e.g. {cpu: 1000, memory: 1000Gi}.',
                    },
                    labels: {
                        type: 'object',
                        additionalProperties: { type: 'string' },
                        description: 'Labels on the nodes.',
                    },
                    taints: {
                        type: 'array',
                        items: {
                            type: 'object',
                            additionalProperties: false,
                            required: ['key', 'effect'],
                            properties: {
                                key: { type: 'string' },
                                value: { type: 'string' },
                                effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
                            },
                        },
                        description: 'Taints on the nodes.',
                    },
                    weight: { type: 'integer', minimum: 1, maximum: 100, description: 'NodePool weight.' },
                    tags: {
                        type: 'object',
                        additionalProperties: { type: 'string' },
                        description: 'Extra EC2 tags on the instances.',
                    },
                },
            },
        },
        state: {
            type: 'object',
            additionalProperties: false,
            required: ['bucket', 'key'],
            description: 'Where the lock and the record of applies live (S3). Without it the action works unlocked and warns.',
            properties: {
                bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'S3 bucket.' },
                key: { type: 'string', minLength: 1, description: 'Object key of the state record; the lock is <key>.lock.' },
                region: {
                    type: 'string',
                    pattern: '^(us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de|cn|us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-[1-9][0-9]?$',
                    description: "Bucket region (default: the cluster's).",
                },
            },
        },
        tags: {
            type: 'object',
            additionalProperties: { type: 'string' },
            default: {},
            description: 'Extra tags on every AWS resource the action creates.',
        },
        destroyAdopted: {
            type: 'boolean',
            default: false,
            description: 'Destroy also what the action adopted (it existed before the action first ran: a role, its policies and instance profiles, a shared namespace), detaching everything from it. Default: destroy leaves adopted resources and says so in the plan.',
        },
    },
    definitions: {
        iamName: {
            type: 'string',
            pattern: '^[\\w+=,.@-]+$',
            maxLength: 64,
        },
        tagSelector: {
            type: 'object',
            minProperties: 1,
            additionalProperties: { type: 'string' },
        },
        resourceList: {
            type: 'object',
            additionalProperties: false,
            properties: {
                cpu: { type: ['string', 'number'] },
                memory: { type: 'string' },
            },
        },
    },
};

;// CONCATENATED MODULE: ./src/config/load.ts









/** The AMI alias used when a node pool names none: pinned, never @latest. */
const DEFAULT_AMI_ALIAS = configSchema.properties.nodePools.items.properties.amiAlias.default;
/** The largest configuration file read (a configuration is a few KB). */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases a configuration may hold (`*name`), and how far they may expand (the yaml library's maxAliasCount). */
const MAX_ALIASES = 100;
/** Problems listed at most; the rest are counted. */
const MAX_PROBLEMS = 50;
/**
 * Reads, validates and completes the configuration file. Throws ConfigError naming every problem found.
 * Only a regular file of at most MAX_CONFIG_BYTES is read: it is opened without blocking (a FIFO with no writer
 * would otherwise hang the run) and checked with fstat before a byte is read.
 */
async function loadConfig(file, options = {}) {
    const refuse = (message, fix) => {
        throw new errors/* ConfigError */.x(file, [{ field: 'config', message, fix }]);
    };
    const FIX = 'commit the configuration file (see examples/opsfleet-dev.yaml) or point the `config` input at it';
    let handle;
    try {
        handle = await (0,promises_.open)(file, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NONBLOCK | external_node_fs_.constants.O_NOCTTY);
    }
    catch (e) {
        const code = e.code;
        return refuse(code === 'ENOENT' ? 'the file does not exist' : `cannot open the file (${code})`, FIX);
    }
    let text;
    try {
        const stat = await handle.stat();
        if (!stat.isFile()) {
            const what = stat.isDirectory()
                ? 'a directory'
                : stat.isFIFO()
                    ? 'a FIFO (named pipe)'
                    : stat.isCharacterDevice() || stat.isBlockDevice()
                        ? 'a device'
                        : stat.isSocket()
                            ? 'a socket'
                            : 'not a regular file';
            return refuse(`is ${what}, not a regular file`, FIX);
        }
        if (stat.size > MAX_CONFIG_BYTES) {
            return refuse(`is ${stat.size} bytes, more than the ${MAX_CONFIG_BYTES} bytes (1 MiB) a configuration may have`, 'a configuration is a few KB: keep Helm values and manifests in their own files (karpenter.extraManifests)');
        }
        // Read no more than the cap even if the file grows meanwhile.
        const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
        let length = 0;
        for (;;) {
            const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
            if (bytesRead === 0)
                break;
            length += bytesRead;
            if (length > MAX_CONFIG_BYTES) {
                return refuse(`grew past ${MAX_CONFIG_BYTES} bytes while it was read`, 'keep the configuration a few KB');
            }
        }
        text = buffer.subarray(0, length).toString('utf8');
    }
    catch (e) {
        if (e instanceof errors/* ConfigError */.x)
            throw e;
        return refuse(`cannot read the file (${e.code ?? e.message})`, FIX);
    }
    finally {
        await handle.close();
    }
    return parseConfig(text, file, options);
}
/** ConfigError for at most MAX_PROBLEMS problems, the rest counted in a last one. */
function configError(file, problems) {
    if (problems.length <= MAX_PROBLEMS)
        return new errors/* ConfigError */.x(file, problems);
    const rest = problems.length - MAX_PROBLEMS;
    return new errors/* ConfigError */.x(file, [
        ...problems.slice(0, MAX_PROBLEMS),
        {
            field: 'config',
            message: `${rest} more problem${rest === 1 ? '' : 's'} not listed`,
            fix: 'fix those above first',
        },
    ]);
}
/**
 * Duplicate keys and aliases, in one pass over the document (the yaml library's own `uniqueKeys` compares each key
 * with every earlier one: 40k keys took 14 s).
 */
function structureProblems(doc, lineOfOffset) {
    const out = [];
    let aliases = 0;
    let firstAlias;
    (0,dist/* visit */.YR)(doc, {
        Alias(_key, node) {
            aliases++;
            firstAlias ??= node.range?.[0];
        },
        Map(_key, map) {
            const seen = new Set();
            for (const pair of map.items) {
                const key = pair.key;
                if (!(0,dist/* isScalar */.jn)(key) || key.value === '<<')
                    continue;
                const name = String(key.value);
                if (seen.has(name)) {
                    out.push({
                        field: 'yaml',
                        message: `the key ${JSON.stringify(name.slice(0, 80))} appears twice in the same mapping`,
                        line: key.range ? lineOfOffset(key.range[0]) : undefined,
                        fix: 'keep one of the two (YAML would silently keep only one)',
                    });
                }
                seen.add(name);
            }
        },
    });
    if (aliases > MAX_ALIASES) {
        out.push({
            field: 'yaml',
            message: `holds ${aliases} aliases (*name), more than the ${MAX_ALIASES} a configuration may use`,
            line: firstAlias === undefined ? undefined : lineOfOffset(firstAlias),
            fix: 'write the values out instead of repeating aliases',
        });
    }
    return out;
}
function parseConfig(text, file, options = {}) {
    if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
        throw new errors/* ConfigError */.x(file, [
            {
                field: 'config',
                message: `is more than the ${MAX_CONFIG_BYTES} bytes (1 MiB) a configuration may have`,
                fix: 'keep the configuration a few KB',
            },
        ]);
    }
    return quickConfig(text, file, options) ?? carefulConfig(text, file, options);
}
/**
 * What a configuration holds where js-yaml's core schema and the yaml library's YAML 1.2 core schema could read it
 * differently, or where only the careful reading checks it: anchors, aliases and tags (`&a`, `*a`, `!t`), complex
 * keys (`? `), directives (`%YAML`), and the numbers the two disagree on (`0b101`, signed hex and octal, `+.5`).
 * A false alarm only means the careful reading.
 */
const CAREFUL_CONSTRUCTS = /(^|[\s:[,{])([&*!]|[+-]?0[box]|[+-]?\.\d)|^\s*(\?\s|%)/m;
/**
 * The fast reading of a configuration that has no problem: js-yaml's core schema (several times faster than the
 * yaml library's document with positions: 110 ms → 12 ms for 50 node pools), then every check the careful reading
 * makes. Undefined when the text holds a construct the two might read differently (CAREFUL_CONSTRUCTS), or when
 * anything is wrong (a duplicate key, the schema, a semantic or offline check): the careful reading then reads it
 * again and reports each problem with its line. So the configuration returned is the one the careful reading
 * would return, and every error still names its line.
 */
function quickConfig(text, file, options) {
    if (CAREFUL_CONSTRUCTS.test(text))
        return undefined;
    let raw;
    try {
        raw = (0,js_yaml/* load */.Hh)(text, { schema: js_yaml/* CORE_SCHEMA */.OU });
    }
    catch {
        return undefined;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !validate(raw))
        return undefined;
    const config = withDefaults(raw, file, options);
    if (semanticProblems(config).length > 0 || offlineProblems(config, () => undefined).length > 0)
        return undefined;
    return config;
}
/** The careful reading: the yaml library's document with positions, so that every problem names its line. */
function carefulConfig(text, file, options) {
    const lineCounter = new dist/* LineCounter */.HN();
    const lineOfOffset = (offset) => lineCounter.linePos(offset).line;
    const doc = (0,dist/* parseDocument */.Tp)(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
    if (doc.errors.length > 0) {
        throw configError(file, doc.errors.map((e) => ({
            field: 'yaml',
            message: e.message.split('\n')[0],
            line: lineOfOffset(e.pos[0]),
            fix: 'correct the YAML syntax',
        })));
    }
    const structure = structureProblems(doc, lineOfOffset);
    if (structure.length > 0)
        throw configError(file, structure);
    let raw;
    try {
        raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
    }
    catch (e) {
        // An alias that expands too far, or a YAML construct with no JavaScript value.
        const message = e.message ?? String(e);
        throw new errors/* ConfigError */.x(file, [
            {
                field: 'yaml',
                message: /Excessive alias count/.test(message)
                    ? `its aliases expand to more than ${MAX_ALIASES} copies (the shape of a "billion laughs" attack)`
                    : `cannot be read as data: ${message.split('\n')[0]}`,
                fix: /Excessive alias count/.test(message)
                    ? 'write the values out instead of nesting aliases'
                    : 'write plain mappings, lists and scalars',
            },
        ]);
    }
    const lineOf = (path) => {
        let node = doc.contents;
        let last = node;
        for (const key of path) {
            if ((0,dist/* isMap */.jh)(node)) {
                const pair = node.items.find((p) => p.key?.value === key);
                if (!pair)
                    break;
                last = pair.key ?? last;
                node = pair.value;
            }
            else if ((0,dist/* isSeq */.oP)(node)) {
                node = node.items[Number(key)];
            }
            else
                break;
            if (node && node.range)
                last = node;
        }
        const offset = last?.range?.[0];
        return offset === undefined ? undefined : lineCounter.linePos(offset).line;
    };
    const problems = schemaProblems(raw, lineOf);
    if (problems.length > 0)
        throw configError(file, problems);
    const config = withDefaults(raw, file, options);
    const semantic = [
        ...semanticProblems(config).map((p) => ({ ...p, line: p.line ?? lineOf(pathOf(p.field)) })),
        ...offlineProblems(config, lineOf),
    ];
    if (semantic.length > 0)
        throw configError(file, semantic);
    return config;
}
function schemaProblems(raw, lineOf) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        return [
            { field: 'config', message: 'the file must hold a YAML mapping', fix: 'start from examples/opsfleet-dev.yaml' },
        ];
    }
    if (validate(raw))
        return [];
    const seen = new Set();
    const out = [];
    for (const err of validate.errors ?? []) {
        const problem = describeSchemaError(err);
        const key = `${problem.field}|${problem.message}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        // Lines are looked up for the problems listed only (each lookup walks a mapping).
        out.push(out.length < MAX_PROBLEMS ? { ...problem, line: lineOf(pathOf(problem.field)) } : problem);
    }
    return out;
}
/** `nodePools[0].zones[1]` → ['nodePools', 0, 'zones', 1] */
function pathOf(field) {
    const out = [];
    for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
        out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
    return out;
}
function fieldOf(instancePath, extra) {
    const parts = instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (extra !== undefined)
        parts.push(extra);
    let out = '';
    for (const p of parts)
        out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
    return out || 'config';
}
function describeSchemaError(err) {
    const p = err.params;
    const schema = err.parentSchema;
    const hint = schema?.description ? ` (${schema.description})` : '';
    switch (err.keyword) {
        case 'required':
            return {
                field: fieldOf(err.instancePath, String(p.missingProperty)),
                message: 'is required but missing',
                fix: `add \`${String(p.missingProperty)}\``,
            };
        case 'additionalProperties': {
            const known = Object.keys(err.parentSchema?.properties ?? {});
            const guess = didYouMean(String(p.additionalProperty), known);
            return {
                field: fieldOf(err.instancePath, String(p.additionalProperty)),
                message: guess ? `is not a known setting (did you mean \`${guess}\`?)` : 'is not a known setting',
                fix: guess
                    ? `rename it to \`${guess}\``
                    : 'remove it or correct its spelling (the schema in schema/generated/karpenter-config.schema.json lists the keys)',
            };
        }
        case 'enum':
            return {
                field: fieldOf(err.instancePath),
                message: `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
                fix: 'use one of those values',
            };
        case 'pattern':
            return {
                field: fieldOf(err.instancePath),
                message: `has an invalid format${hint}`,
                fix: `match ${String(p.pattern)}`,
            };
        case 'type':
            return {
                field: fieldOf(err.instancePath),
                message: `must be ${String(p.type)}`,
                fix: `write a ${String(p.type)}`,
            };
        case 'maxLength':
            return {
                field: fieldOf(err.instancePath),
                message: `is longer than ${String(p.limit)} characters`,
                fix: 'use a shorter name',
            };
        case 'minItems':
            return {
                field: fieldOf(err.instancePath),
                message: `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`,
                fix: 'add an entry, or remove the key to use the default',
            };
        case 'uniqueItems':
            return { field: fieldOf(err.instancePath), message: 'has duplicate entries', fix: 'list each value once' };
        default:
            return {
                field: fieldOf(err.instancePath),
                message: err.message ?? 'is invalid',
                fix: hint ? `expected${hint}` : undefined,
            };
    }
}
/**
 * The configuration with the schema's defaults filled in: a missing property gets its `default` (`<cluster>` in a
 * default stands for cluster.name), an object the file leaves out gets the defaults of its properties when it has
 * any (`karpenter`, `iam`...; `state` stays absent), items of lists of objects get theirs. Then what the schema
 * cannot say: the region from the `aws-region` input or the file, the partition from the region unless set.
 */
function withDefaults(raw, file, options) {
    const filled = fillDefaults(configSchema, structuredClone(raw), raw.cluster.name);
    const region = options.region || raw.cluster.region || '';
    const cluster = { ...filled.cluster, region, partition: raw.cluster.partition ?? (0,arns/* partitionOf */.iQ)(region) };
    return { file, ...filled, cluster };
}
function fillDefaults(schema, value, cluster) {
    const node = resolve(schema);
    if (Array.isArray(value) && node.items)
        return value.map((item) => fillDefaults(node.items, item, cluster));
    if (!node.properties || !value || typeof value !== 'object' || Array.isArray(value))
        return value;
    const out = value;
    for (const [key, property] of Object.entries(node.properties)) {
        const p = resolve(property);
        if (out[key] === undefined && p.default !== undefined)
            out[key] = placeholders(structuredClone(p.default), cluster);
        else if (out[key] === undefined && p.properties && hasDefaults(p))
            out[key] = {};
        if (out[key] !== undefined)
            out[key] = fillDefaults(p, out[key], cluster);
    }
    return out;
}
function resolve(node) {
    const name = node.$ref?.replace('#/definitions/', '');
    const definitions = configSchema.definitions;
    return name ? { ...definitions[name], ...node, $ref: undefined } : node;
}
function hasDefaults(node) {
    return Object.values(node.properties ?? {}).some((p) => resolve(p).default !== undefined);
}
function placeholders(value, cluster) {
    return typeof value === 'string' ? value.replace(/<cluster>/g, cluster) : value;
}
/** Tags, labels, taints and quantities, judged offline (src/config/rules.ts). */
function offlineProblems(c, lineOf) {
    const out = [...tagProblems(c.tags, 'tags', lineOf, ['tags'])];
    const resources = c.karpenter.resources;
    for (const kind of ['requests', 'limits']) {
        const at = ['karpenter', 'resources', kind];
        out.push(...quantityProblems(resources?.[kind], at.join('.'), lineOf, at));
    }
    c.nodePools.forEach((np, i) => {
        const at = `nodePools[${i}]`;
        const path = ['nodePools', i];
        out.push(...labelProblems(np.labels, `${at}.labels`, lineOf, [...path, 'labels']));
        out.push(...taintProblems(np.taints, `${at}.taints`, lineOf, [...path, 'taints']));
        out.push(...quantityProblems(np.limits, `${at}.limits`, lineOf, [...path, 'limits']));
        out.push(...tagProblems(np.tags, `${at}.tags`, lineOf, [...path, 'tags'], { karpenter: true }));
    });
    return out;
}
/** Checks the schema cannot express. */
function semanticProblems(c) {
    const out = [];
    if (!c.cluster.region) {
        out.push({
            field: 'cluster.region',
            message: 'no region is set',
            fix: 'set `cluster.region` in the file or the `aws-region` input',
        });
    }
    else if (c.cluster.partition !== (0,arns/* partitionOf */.iQ)(c.cluster.region)) {
        out.push({
            field: 'cluster.partition',
            message: `is ${c.cluster.partition}, but the region ${c.cluster.region} is in ${(0,arns/* partitionOf */.iQ)(c.cluster.region)}`,
            fix: 'remove cluster.partition (the region tells it) or correct it',
        });
    }
    const names = new Set();
    c.nodePools.forEach((np, i) => {
        const at = `nodePools[${i}]`;
        if (names.has(np.name))
            out.push({ field: `${at}.name`, message: `"${np.name}" is used twice`, fix: 'give each node pool its own name' });
        names.add(np.name);
        if (!np.subnetSelector && !np.subnetIds) {
            out.push({
                field: `${at}.subnetSelector`,
                message: 'no subnets are selected',
                fix: 'set `subnetSelector` (tags) or `subnetIds`',
            });
        }
        if (np.subnetSelector && np.subnetIds) {
            out.push({ field: `${at}.subnetIds`, message: 'is set together with subnetSelector', fix: 'keep one of the two' });
        }
        if (!np.securityGroupSelector && !np.securityGroupIds) {
            out.push({
                field: `${at}.securityGroupSelector`,
                message: 'no security groups are selected',
                fix: 'set `securityGroupSelector` (tags) or `securityGroupIds`',
            });
        }
        if (np.securityGroupSelector && np.securityGroupIds) {
            out.push({
                field: `${at}.securityGroupIds`,
                message: 'is set together with securityGroupSelector',
                fix: 'keep one of the two',
            });
        }
        if (np.instanceTypes && np.instanceTypes.length === 0) {
            out.push({
                field: `${at}.instanceTypes`,
                message: 'is empty, so no instance could ever launch',
                fix: 'list at least one instance type or remove the key to allow any',
            });
        }
        if (/@latest$/i.test(np.amiAlias)) {
            out.push({
                field: `${at}.amiAlias`,
                message: 'uses @latest, which changes nodes without a reviewed plan',
                fix: `pin a version, e.g. ${DEFAULT_AMI_ALIAS}`,
            });
        }
        for (const z of np.zones ?? []) {
            if (c.cluster.region && !z.startsWith(c.cluster.region)) {
                out.push({
                    field: `${at}.zones`,
                    message: `zone ${z} is not in region ${c.cluster.region}`,
                    fix: `use zones of ${c.cluster.region}`,
                });
            }
        }
    });
    // An ARN or URL as interruption.queue never gets here: the schema's pattern (no ':' or '/') refuses it.
    return out;
}

// EXTERNAL MODULE: ./src/inputs.ts + 1 modules
var src_inputs = __webpack_require__(9742);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/kube/local-paths.ts
/**
 * Local chart and manifest folders come from the pull request: helm reads every file of a chart folder and
 * follows symlinks, and the extra manifests are read and shown in the plan. So a folder must lie inside the
 * workspace, and nothing in its tree may lead out of it: no symlink whose target is outside (`/proc/self/environ`
 * would put the runner's environment into a rendered value), no FIFO or device (a read that never ends).
 * Checked right after the config is loaded, before any AWS call; uses only the file system.
 */




/** The path-taking fields of the config (src/config/schema.ts) that name something on disk. */
function localPathFields(config) {
    const k = config.karpenter;
    const out = [];
    const isOci = (ref) => /^oci:\/\//.test(ref);
    if (!isOci(k.chart))
        out.push({ field: 'karpenter.chart', value: k.chart });
    if (!isOci(k.crdChart))
        out.push({ field: 'karpenter.crdChart', value: k.crdChart });
    if (k.extraManifests !== undefined)
        out.push({ field: 'karpenter.extraManifests', value: k.extraManifests });
    return out;
}
/**
 * The folder local paths must stay in: GITHUB_WORKSPACE on a runner; elsewhere the repository holding the config
 * file (the nearest folder upwards with a `.git`), or the working directory when there is none.
 */
function workspaceRoot(configFile, env = process.env, cwd = process.cwd()) {
    if (env.GITHUB_WORKSPACE)
        return (0,external_node_path_.resolve)(cwd, env.GITHUB_WORKSPACE);
    let dir = (0,external_node_path_.dirname)((0,external_node_path_.resolve)(cwd, configFile));
    for (;;) {
        if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, '.git')))
            return dir;
        const up = (0,external_node_path_.dirname)(dir);
        if (up === dir)
            return cwd;
        dir = up;
    }
}
/** Most entries a folder tree may hold (a chart has dozens; this bounds a hostile tree). */
const MAX_TREE_ENTRIES = 10_000;
/**
 * Refuses (ConfigError, reason `config`, naming the file, line, field and fix) every local chart or manifest
 * path that is outside the workspace, or whose tree holds a symlink leading out of it or a special file.
 */
function checkLocalPaths(configFile, config, options = {}) {
    const cwd = options.cwd ?? process.cwd();
    const root = options.root ?? workspaceRoot(configFile, process.env, cwd);
    const problems = [];
    for (const f of localPathFields(config)) {
        const problem = checkPath(f, root, cwd);
        if (problem)
            problems.push({ ...problem, line: lineOf(configFile, f.field) });
    }
    if (problems.length)
        throw new errors/* ConfigError */.x(configFile, problems);
}
function checkPath(f, root, cwd) {
    const realRoot = safeRealpath(root) ?? root;
    const given = (0,external_node_path_.isAbsolute)(f.value) ? f.value : (0,external_node_path_.resolve)(cwd, f.value);
    const fix = `use a folder committed inside the repository (a path relative to ${root})`;
    if (!inside(given, root) && !inside(given, realRoot)) {
        return { field: f.field, message: `${f.value} is outside the workspace ${root}`, fix };
    }
    // A missing folder is reported where it is used (with what a chart or manifest folder must hold).
    if (!(0,external_node_fs_.existsSync)(given))
        return undefined;
    const real = safeRealpath(given);
    if (!real || !inside(real, realRoot)) {
        return { field: f.field, message: `${f.value} leads outside the workspace ${root} (to ${real ?? '?'})`, fix };
    }
    return walk(f, given, realRoot, root);
}
/** Walks a tree with lstat; follows symlinks to folders inside the workspace (helm does) without looping. */
function walk(f, start, realRoot, root) {
    const seen = new Set();
    const stack = [start];
    let entries = 0;
    const shown = (p) => (0,external_node_path_.relative)(root, p) || '.';
    while (stack.length) {
        const path = stack.pop();
        if (++entries > MAX_TREE_ENTRIES) {
            return {
                field: f.field,
                message: `${f.value} holds more than ${MAX_TREE_ENTRIES} files and folders`,
                fix: 'point it at the chart or manifest folder itself, not at a larger tree',
            };
        }
        let stat;
        try {
            stat = (0,external_node_fs_.lstatSync)(path);
        }
        catch {
            continue;
        }
        if (stat.isSymbolicLink()) {
            const target = (0,external_node_fs_.readlinkSync)(path);
            const real = safeRealpath(path);
            const lexical = (0,external_node_path_.resolve)((0,external_node_path_.dirname)(path), target);
            if (!real ? !inside(lexical, realRoot) && !inside(lexical, root) : !inside(real, realRoot)) {
                return {
                    field: f.field,
                    message: `${shown(path)} is a symlink to ${target}, outside the workspace ${root}`,
                    fix: 'commit the file itself instead of a link (no link in a chart or manifest folder may leave the repository)',
                };
            }
            // A dangling link inside the workspace reads nothing; one to a folder is walked where it leads.
            if (real && !seen.has(real))
                stack.push(real);
            continue;
        }
        if (stat.isDirectory()) {
            const real = safeRealpath(path) ?? path;
            if (seen.has(real))
                continue;
            seen.add(real);
            for (const entry of (0,external_node_fs_.readdirSync)(path))
                stack.push((0,external_node_path_.join)(path, entry));
            continue;
        }
        if (!stat.isFile()) {
            return {
                field: f.field,
                message: `${shown(path)} is not a regular file (a FIFO, socket or device)`,
                fix: 'remove it: chart and manifest folders hold only files and folders',
            };
        }
    }
    return undefined;
}
function inside(path, root) {
    const rel = (0,external_node_path_.relative)(root, path);
    return rel === '' || (!rel.startsWith(`..${external_node_path_.sep}`) && rel !== '..' && !(0,external_node_path_.isAbsolute)(rel));
}
function safeRealpath(path) {
    try {
        return (0,external_node_fs_.realpathSync)(path);
    }
    catch {
        return undefined;
    }
}
/** The line of a dotted field in the config file, when the file can be read and parsed. */
function lineOf(file, field) {
    try {
        const counter = new dist/* LineCounter */.HN();
        const doc = (0,dist/* parseDocument */.Tp)((0,external_node_fs_.readFileSync)(file, 'utf8'), { lineCounter: counter });
        let node = doc.contents;
        let at;
        for (const key of field.split('.')) {
            if (!(0,dist/* isMap */.jh)(node))
                return undefined;
            const pair = node.items.find((p) => p.key?.value === key);
            if (!pair)
                return undefined;
            at = pair.key;
            node = pair.value;
        }
        const offset = at?.range?.[0];
        return offset === undefined ? undefined : counter.linePos(offset).line;
    }
    catch {
        return undefined;
    }
}

// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
;// CONCATENATED MODULE: ./src/main.ts







/**
 * The action: inputs → config → credentials, then the pipeline (src/pipeline.ts); a failure ends the run through
 * src/report/failure.ts. Only what is needed to get credentials is loaded up front (the runner protocol is
 * runner.ts's own, not @actions/core's); the pipeline (GitHub client, Kubernetes, the resources, the reports) loads once they are in hand.
 */
async function run() {
    // The benchmark asks for a log of every call this run makes (KARPENTER_ACTION_CALL_LOG).
    const calls = callLogFromEnvironment();
    let early;
    try {
        const inputs = (0,src_inputs/* readInputs */.Ko)();
        // A kubeconfig given to the action needs nothing more: its `kubectl proxy` starts while the config is read and
        // the pipeline's code loads (the session owns it from then on), or, when a role is to be assumed, once its
        // credentials are in hand (what the kubeconfig's exec plugin may need). The proxy only listens on its socket
        // (a direct connection opens none) until the first request, which a config found bad never makes.
        // Without a kubeconfig, the session makes one for EKS.
        const kubeconfig = (0,src_inputs/* givenKubeconfig */.vP)(inputs);
        const startProxy = async () => {
            if (!kubeconfig || early)
                return;
            const { KubeClient } = await Promise.all(/* import() */[__webpack_require__.e(260), __webpack_require__.e(89)]).then(__webpack_require__.bind(__webpack_require__, 1089));
            early = new KubeClient(kubeconfig, { recorder: calls?.log });
            early.warm();
        };
        if (!inputs.roleToAssume)
            await startProxy();
        const config = await loadConfig(inputs.config, { region: inputs.awsRegion });
        // Local charts and manifests must stay inside the workspace: judged on disk, before any AWS call.
        checkLocalPaths(inputs.config, config);
        (0,runner/* info */.pq)(`config ${(0,report_escape/* oneLine */.TN)(inputs.config)}: cluster ${config.cluster.name} in ${config.cluster.region}, ${config.nodePools.length} node pool(s)`);
        const aws = await main_credentials(inputs, config, calls?.log);
        await startProxy();
        const { runPipeline } = await Promise.all(/* import() */[__webpack_require__.e(260), __webpack_require__.e(89), __webpack_require__.e(47)]).then(__webpack_require__.bind(__webpack_require__, 2047));
        await runPipeline(inputs, config, aws, early);
    }
    catch (e) {
        const { failRun } = await __webpack_require__.e(/* import() */ 304).then(__webpack_require__.bind(__webpack_require__, 3304));
        failRun(e);
    }
    finally {
        // Closed already when the session was opened; here for a run that failed before it was.
        await early?.close();
        calls?.save();
    }
}
async function main_credentials(inputs, config, recorder) {
    const { region, partition } = config.cluster;
    if (!inputs.roleToAssume) {
        (0,runner/* info */.pq)('AWS: using the credentials of the environment (no `role-to-assume`)');
        return (0,credentials/* environmentSession */.Ot)(region, { partition, recorder });
    }
    (0,runner/* info */.pq)(`AWS: assuming ${inputs.roleToAssume} with GitHub OIDC`);
    const session = await (0,credentials/* assumeRoleWithOidc */.Y0)({
        roleToAssume: inputs.roleToAssume,
        audience: inputs.audience,
        region,
        partition,
        recorder,
    });
    (0,runner/* info */.pq)('AWS: credentials in hand');
    return { ...session, recorder };
}


/***/ }),

/***/ 4671:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fz: () => (/* binding */ DRIFT_EXIT_CODE),
/* harmony export */   M0: () => (/* binding */ DriftDetected),
/* harmony export */   M3: () => (/* binding */ failureReasonOf),
/* harmony export */   dR: () => (/* binding */ ActionFailure),
/* harmony export */   gJ: () => (/* binding */ errorMessage)
/* harmony export */ });
/* unused harmony export FAILURE_REASONS */
/**
 * How a run can fail, as the calling workflow sees it: one word in the `failure-reason` output, carried by the error
 * that ends the run. Every layer throws these; nothing here talks to GitHub (src/report/failure.ts ends the run).
 * action.yml and the README list the same words (a unit test keeps the three in step).
 */
/** Every failure-reason the action sets, with what it means. */
const FAILURE_REASONS = {
    config: 'the configuration file or an input is invalid (found before anything is read in AWS)',
    credentials: 'no usable AWS credentials: GitHub OIDC, STS or the credentials of the environment refused',
    preflight: 'the configuration does not fit the AWS account or the cluster (checked before anything changes)',
    plan: 'reading what exists failed, or the API server refused the desired objects at plan time',
    chart: 'a chart in `karpenter.chart` or `karpenter.crdChart` cannot be fetched: no such version (`karpenter.version`), or the registry is unreachable or refuses it',
    'other-karpenter': 'another Karpenter is installed in the cluster (another namespace or release name): adopt it by naming it in the config, or remove it (checked at plan time, before anything changes)',
    comment: 'the pull-request comment could not be posted, or there is no pull request to post it on',
    'no-reviewed-plan': 'the pull request has no plan comment for this cluster to check the apply against',
    'plan-stale': 'commits were pushed to the pull request after its plan was posted',
    'plan-changed': 'the plan now differs from the one reviewed on the pull request, or its comment was altered',
    'apply-requirements': 'the pull request does not meet `apply-requires` (approved by someone else after the last push, mergeable, base not moved)',
    locked: 'another run holds the state lock',
    state: 'the state bucket could not be read or written (other than the lock being held)',
    apply: 'a change failed while applying or destroying',
    verify: 'after the apply, Karpenter is not healthy: its Deployment is not Available, an object differs, or a NodePool or EC2NodeClass is not Ready',
    drift: 'a drift check (a scheduled plan) found that the cluster differs from the configuration; exit code 2',
    unexpected: 'a failure of no known kind (a bug, or an error nothing anticipated): the log has the whole error',
};
/** An error that knows which failure it is. */
class ActionFailure extends Error {
    reason;
    constructor(reason, message, options) {
        super(message, options);
        this.reason = reason;
        this.name = 'ActionFailure';
    }
}
/** Exit code of a drift check that found drift (any other failure exits 1). */
const DRIFT_EXIT_CODE = 2;
class DriftDetected extends ActionFailure {
    constructor(message) {
        super('drift', message);
        this.name = 'DriftDetected';
    }
}
/** The reason of a failure: its own when it has one, `unexpected` for anything else. */
function failureReasonOf(e) {
    return e instanceof ActionFailure ? e.reason : 'unexpected';
}
function errorMessage(e) {
    return e instanceof Error ? e.message : String(e);
}


/***/ }),

/***/ 9809:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L5: () => (/* binding */ retry)
/* harmony export */ });
/* unused harmony exports isTransient, backoffDelay */
/* harmony import */ var _outcome_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4671);
/**
 * The one retry helper: what is worth another attempt, and how long to wait before it.
 *
 * Transient: the connection was cut, refused or timed out; the server answered 429 or 5xx; AWS said it throttles or
 * had an internal problem. Everything else is permanent and fails at once: a refusal of the credentials or the token
 * (STS InvalidIdentityToken, AccessDenied), a bad request, a configuration error, any ActionFailure. Waits are
 * exponential with full jitter (a random delay in [0, base·2^attempt)), unless the failure says how long to wait.
 */

/** Codes of a connection that failed in a way a new attempt may not. */
const NETWORK_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'TimeoutError',
]);
/** AWS error codes (SDK error names without `Exception`) that say: not now, try again. */
const TRANSIENT_AWS_CODES = new Set([
    'Throttling',
    'ThrottlingException',
    'ThrottledException',
    'RequestThrottled',
    'RequestLimitExceeded',
    'TooManyRequests',
    'SlowDown',
    'PriorRequestNotComplete',
    'ServiceUnavailable',
    'InternalError',
    'InternalFailure',
    'RequestTimeout',
    'IDPCommunicationError',
]);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
/** The HTTP status an error carries (AWS SDK `$metadata`, Octokit `status`, the Kubernetes client's `status`). */
function statusOf(e) {
    const o = e;
    const status = o?.$metadata?.httpStatusCode ?? o?.status;
    return typeof status === 'number' && status > 0 ? status : undefined;
}
/** True for a failure another attempt may not meet (see the module comment). */
function isTransient(e) {
    if (e instanceof _outcome_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionFailure */ .dR || !e || typeof e !== 'object')
        return false;
    const { code, name } = e;
    if (typeof code === 'string' && NETWORK_CODES.has(code))
        return true;
    if (typeof name === 'string') {
        if (NETWORK_CODES.has(name))
            return true;
        if (TRANSIENT_AWS_CODES.has(name.replace(/(?<=.)Exception$/, '')))
            return true;
    }
    const status = statusOf(e);
    return status !== undefined && TRANSIENT_STATUS.has(status);
}
/** Full-jitter exponential backoff: a random delay in [0, base·2^attempt). */
function backoffDelay(attempt, baseMs, random = Math.random) {
    return Math.floor(random() * baseMs * 2 ** attempt);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * Runs `attempt(n)` (n from 0) until it succeeds, a failure is permanent, or the attempts are used up; then throws the
 * last failure as it was.
 */
async function retry(attempt, options) {
    const retryable = options.retryable ?? isTransient;
    for (let n = 0;; n++) {
        try {
            return await attempt(n);
        }
        catch (e) {
            if (n + 1 >= options.attempts || !retryable(e))
                throw e;
            const delay = options.waitFor?.(e) ?? backoffDelay(n, options.baseDelayMs, options.random);
            options.onRetry?.(e, n + 2, delay);
            await (options.sleep ?? sleep)(delay);
        }
    }
}


/***/ }),

/***/ 4813:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $e: () => (/* binding */ warning),
/* harmony export */   C1: () => (/* binding */ setFailed),
/* harmony export */   Os: () => (/* binding */ group),
/* harmony export */   Pq: () => (/* binding */ setSecret),
/* harmony export */   V4: () => (/* binding */ getInput),
/* harmony export */   Yz: () => (/* binding */ debug),
/* harmony export */   b3: () => (/* binding */ httpCall),
/* harmony export */   fe: () => (/* binding */ appendSummary),
/* harmony export */   p9: () => (/* binding */ getIdToken),
/* harmony export */   pq: () => (/* binding */ info),
/* harmony export */   uH: () => (/* binding */ setOutput),
/* harmony export */   z3: () => (/* binding */ error)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_4___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_4__);
/**
 * The runner interactions the action needs (inputs, log lines and annotations, groups, masking, outputs, the job
 * summary, the OIDC token), written against the documented runner protocol: workflow commands on stdout and the
 * GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. @actions/core does the same but loads an HTTP stack (undici, about
 * 1 MB of code) with it, which a run pays for in start-up time and memory whether it needs HTTP or not.
 */





/** The value of an action input (INPUT_<NAME>, spaces as underscores), trimmed. */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
function info(message) {
    process.stdout.write(`${message}\n`);
}
/** Workflow-command data escaping. */
function escapeData(s) {
    return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** Workflow-command property escaping (data escaping, and the `:` and `,` that separate properties). */
function escapeProperty(s) {
    return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
const PROPERTY_NAMES = {
    title: 'title',
    file: 'file',
    startLine: 'line',
    endLine: 'endLine',
    startColumn: 'col',
    endColumn: 'endColumn',
};
/** `::name prop=value,...::message` on a line of its own. */
function command(name, message, properties = {}) {
    const props = Object.keys(PROPERTY_NAMES)
        .filter((k) => properties[k] !== undefined && properties[k] !== '')
        .map((k) => `${PROPERTY_NAMES[k]}=${escapeProperty(String(properties[k]))}`);
    process.stdout.write(`::${name}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(message)}\n`);
}
const text = (m) => (m instanceof Error ? m.toString() : m);
/** A warning annotation. */
function warning(message, properties) {
    command('warning', text(message), properties);
}
/** An error annotation (the run's outcome is set separately: setFailed, or process.exitCode). */
function error(message, properties) {
    command('error', text(message), properties);
}
/** A line shown only when the run's debug logging is on. */
function debug(message) {
    command('debug', message);
}
/** Marks the run failed (exit code 1) with `message` as its error annotation. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
/** Runs `fn` inside a collapsible group of the log. */
async function group(name, fn) {
    process.stdout.write(`::group::${escapeData(name)}\n`);
    try {
        return await fn();
    }
    finally {
        process.stdout.write('::endgroup::\n');
    }
}
/**
 * Sets a step output: appended to the GITHUB_OUTPUT file as a `name<<delimiter` block, the delimiter random so that
 * no value can end it early (and refused if a value holds it all the same). Outside a runner (no GITHUB_OUTPUT) the
 * older `::set-output::` command. Throws when GITHUB_OUTPUT names a file that does not exist.
 */
function setOutput(name, value) {
    const file = process.env.GITHUB_OUTPUT;
    if (!file) {
        process.stdout.write(`::set-output name=${escapeProperty(name)}::${escapeData(value)}\n`);
        return;
    }
    if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(file))
        throw new Error(`Missing file at path: ${file}`);
    const delimiter = `ghadelimiter_${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`Unexpected input: the output ${name} holds its own delimiter`);
    }
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.appendFileSync)(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`, 'utf8');
}
/** Appends markdown to the job summary (GITHUB_STEP_SUMMARY), which must name a writable file. */
async function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (!file)
        throw new Error('GITHUB_STEP_SUMMARY is not set: this runner does not support job summaries');
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.access)(file, node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.constants.R_OK | node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.constants.W_OK);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.appendFile)(file, `${markdown}\n`, 'utf8');
}
/** Masks a secret in every later log line of the job (`::add-mask::`). */
function setSecret(value) {
    if (value)
        process.stdout.write(`::add-mask::${escapeData(value)}\n`);
}
/** One HTTP(S) request with a body, bounded in time. */
function httpCall(url, options) {
    const target = new URL(url);
    const send = target.protocol === 'http:' ? node_http__WEBPACK_IMPORTED_MODULE_3__.request : node_https__WEBPACK_IMPORTED_MODULE_4__.request;
    return new Promise((resolve, reject) => {
        const req = send(target, { method: options.method, headers: options.headers }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
            res.on('error', reject);
        });
        req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(Object.assign(new Error(`no answer from ${target.host} in time`), { code: 'ETIMEDOUT' })));
        req.on('error', reject);
        req.end(options.body);
    });
}
/**
 * A GitHub OIDC token for `audience`, from the runner's token service (ACTIONS_ID_TOKEN_REQUEST_URL with the
 * bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN). The token is masked.
 */
async function getIdToken(audience, env = process.env) {
    const base = env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!base || !bearer)
        throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set');
    const url = `${base}&audience=${encodeURIComponent(audience)}`;
    const answer = await httpCall(url, {
        method: 'GET',
        headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json', 'User-Agent': 'karpenter-action' },
    });
    if (answer.status !== 200) {
        throw new Error(`the token service answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    }
    let value;
    try {
        value = JSON.parse(answer.body).value;
    }
    catch {
        throw new Error('the token service answered something other than JSON');
    }
    if (typeof value !== 'string' || !value)
        throw new Error('the token service answered without a token');
    setSecret(value);
    return value;
}


/***/ }),

/***/ 9586:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   B7: () => (/* binding */ isForkPullRequest),
/* harmony export */   Ek: () => (/* binding */ repositoryUrl),
/* harmony export */   N5: () => (/* binding */ readEventPayload),
/* harmony export */   Vp: () => (/* binding */ runUrl)
/* harmony export */ });
/* unused harmony export serverUrl */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The workflow run this process is, as the runner's GITHUB_* environment and event payload tell it: its URLs, and
 * whether its pull request comes from a fork. Plain reads of the environment and one file: light enough for the
 * start-up path (credentials), and shared by the pull-request flow and the state lock.
 */

/** `https://github.com` or a GitHub Enterprise Server's URL, without a trailing slash. */
function serverUrl(env = process.env) {
    return (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
}
/** `https://github.com/<owner>/<repo>`, or undefined outside GitHub. */
function repositoryUrl(env = process.env) {
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    return owner && repo ? `${serverUrl(env)}/${owner}/${repo}` : undefined;
}
/** The run's page (`…/actions/runs/<id>`), or undefined outside GitHub. */
function runUrl(env = process.env) {
    const repo = repositoryUrl(env);
    return repo && env.GITHUB_RUN_ID ? `${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
}
/** The event payload (GITHUB_EVENT_PATH); empty when there is none or it cannot be read. */
function readEventPayload(path) {
    if (!path)
        return {};
    try {
        return JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8'));
    }
    catch {
        return {};
    }
}
/**
 * A pull request from a fork: its head lives in another repository (owner and name compared without regard to
 * case, as GitHub does), or in one since deleted (head.repo is null). `head.repo.fork` alone is not it: inside a
 * repository that is itself a fork, every branch says fork.
 */
function isForkPullRequest(payload, baseRepository) {
    const pr = payload.pull_request;
    if (!pr)
        return false;
    const head = pr.head?.repo;
    if (head === null)
        return true;
    const base = pr.base?.repo?.full_name ?? baseRepository;
    return !!base && !!head?.full_name && head.full_name.toLowerCase() !== base.toLowerCase();
}


/***/ })

};
