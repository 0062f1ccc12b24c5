export const id = 47;
export const ids = [47];
export const modules = {

/***/ 2047:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runPipeline: () => (/* binding */ runPipeline)
});

// EXTERNAL MODULE: ./src/runner.ts
var runner = __webpack_require__(4813);
// EXTERNAL MODULE: ./src/aws/clients.ts
var clients = __webpack_require__(201);
// EXTERNAL MODULE: ./src/config/errors.ts
var errors = __webpack_require__(7827);
// EXTERNAL MODULE: ./src/aws/arns.ts
var arns = __webpack_require__(6145);
// EXTERNAL MODULE: ./src/aws/calls.ts
var calls = __webpack_require__(6484);
// EXTERNAL MODULE: ./src/aws/signed-call.ts + 1 modules
var signed_call = __webpack_require__(9865);
;// CONCATENATED MODULE: ./src/aws/xml.ts
/** The document, or undefined for an empty or unreadable body (the caller says what that means). */
async function parseXmlDocument(body) {
    if (!body.trim())
        return undefined;
    const { parseXML } = await __webpack_require__.e(/* import() */ 274).then(__webpack_require__.t.bind(__webpack_require__, 4274, 19));
    try {
        return parseXML(body);
    }
    catch {
        return undefined;
    }
}
/** The members of a list (`<list><item>..</item>..</list>`): none, one or many. */
function listMembers(list, element) {
    if (list === undefined || typeof list === 'string' || Array.isArray(list))
        return [];
    const m = list[element];
    if (m === undefined)
        return [];
    return Array.isArray(m) ? m : [m];
}
/** The members that are structures (subnets, roles, tags...). */
function listStructs(list, element) {
    return listMembers(list, element).filter((i) => typeof i === 'object' && !Array.isArray(i));
}
/** The element when it is a structure. */
function struct(node) {
    return node !== undefined && typeof node === 'object' && !Array.isArray(node) ? node : undefined;
}
/** The element's text. */
function xml_text(node) {
    return typeof node === 'string' ? node : undefined;
}

;// CONCATENATED MODULE: ./src/aws/ec2-query.ts
/**
 * The five EC2 reads pre-flight makes (DescribeVpcs, DescribeSubnets, DescribeSecurityGroups, DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings) as signed EC2 Query requests. The SDK's EC2 client is 2.1 MB of code for some 700
 * operations, and loading it cost a plan about 55 MiB of memory and a quarter of a second; these five need a form
 * body, a SigV4 signature (src/aws/sigv4.ts, sent by src/aws/signed-call.ts) and the XML parser the IAM client
 * brings.
 *
 * Inputs and answers keep the SDK's names (`Filters`, `NextToken`, `Subnets[].AvailabilityZone`...), so the call log
 * and the checks read as before. Honors AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL like the SDK; retries throttling,
 * 5xx answers and failed connections (src/retry.ts); errors carry EC2's error code as `name` and the HTTP status in
 * `$metadata`, as SDK errors do.
 */



/** The EC2 API version the Query requests speak. */
const EC2_API_VERSION = '2016-11-15';
/** EC2's refusal (its error code as `name`), or a failed exchange (the connection's code as `name` and `code`). */
class Ec2Error extends calls/* AwsHttpError */.U3 {
}
const EC2 = { endpointId: 'EC2', name: 'ec2' };
/** The EC2 endpoint: the origin AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL names, or the region's. */
function ec2Endpoint(region, env = process.env) {
    return serviceEndpoint(EC2, region, env);
}
/** The Query parameters of an input: `Filter.1.Name`, `Filter.1.Value.1`, `VpcId.1`, ... (EC2's list encoding). */
function queryParams(action, input) {
    const params = { Action: action, Version: EC2_API_VERSION };
    const list = (prefix, values) => values?.forEach((v, i) => (params[`${prefix}.${i + 1}`] = v));
    input.Filters?.forEach((f, i) => {
        params[`Filter.${i + 1}.Name`] = f.Name;
        list(`Filter.${i + 1}.Value`, f.Values);
    });
    list('VpcId', input.VpcIds);
    list('SubnetId', input.SubnetIds);
    if (input.LocationType !== undefined)
        params.LocationType = input.LocationType;
    if (input.NextToken !== undefined)
        params.NextToken = input.NextToken;
    return params;
}
const members = (set) => listMembers(set, 'item');
const items = (set) => listStructs(set, 'item');
function tags(node) {
    return items(node).map((t) => ({ Key: xml_text(t.key), Value: xml_text(t.value) ?? '' }));
}
/** EC2's error answer: `<Response><Errors><Error><Code>..</Code><Message>..</Message></Error></Errors>..`. */
function errorOf(status, doc) {
    const response = doc?.Response;
    const errors = response?.Errors;
    const first = (Array.isArray(errors?.Error) ? errors.Error[0] : errors?.Error);
    const code = xml_text(first?.Code) ?? (status === 429 ? 'Throttling' : `HTTP${status}`);
    const message = xml_text(first?.Message) ?? `EC2 answered ${status}`;
    const requestId = xml_text(response?.RequestID) ?? xml_text(response?.RequestId);
    return new Ec2Error(code, message, { httpStatusCode: status, ...(requestId ? { requestId } : {}) });
}
/** One signed EC2 Query request; the answer's document element (its children), or an Ec2Error. */
function ec2Call(session, action, input, region = session.region) {
    const body = new URLSearchParams(queryParams(action, input)).toString();
    const request = {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        command: action,
        input,
    };
    return (0,signed_call/* signedCall */.pA)(session, EC2, request, async (answer) => {
        const doc = await parseXmlDocument(answer.body);
        if (answer.status !== 200)
            throw errorOf(answer.status, doc);
        const root = doc?.[`${action}Response`];
        if (!root || typeof root !== 'object' || Array.isArray(root)) {
            throw new Ec2Error('InvalidResponse', `EC2 answered ${action} without a ${action}Response`, {
                httpStatusCode: answer.status,
            });
        }
        return root;
    }, Ec2Error, region);
}
function page(root, set, map) {
    const next = xml_text(root.nextToken);
    return { items: items(root[set]).map(map), ...(next ? { next } : {}) };
}
/** The five reads, each one page of its answer in the SDK's shape. */
const ec2 = {
    async describeVpcs(session, input) {
        return page(await ec2Call(session, 'DescribeVpcs', input), 'vpcSet', (v) => ({ VpcId: xml_text(v.vpcId) }));
    },
    async describeSubnets(session, input) {
        return page(await ec2Call(session, 'DescribeSubnets', input), 'subnetSet', (s) => ({
            SubnetId: xml_text(s.subnetId),
            VpcId: xml_text(s.vpcId),
            AvailabilityZone: xml_text(s.availabilityZone),
            Tags: tags(s.tagSet),
        }));
    },
    async describeSecurityGroups(session, input) {
        return page(await ec2Call(session, 'DescribeSecurityGroups', input), 'securityGroupInfo', (g) => ({
            GroupId: xml_text(g.groupId),
            GroupName: xml_text(g.groupName),
            VpcId: xml_text(g.vpcId),
            Tags: tags(g.tagSet),
        }));
    },
    async describeInstanceTypes(session, input) {
        return page(await ec2Call(session, 'DescribeInstanceTypes', input), 'instanceTypeSet', (t) => ({
            InstanceType: xml_text(t.instanceType),
            ProcessorInfo: {
                SupportedArchitectures: members(t.processorInfo?.supportedArchitectures)
                    .map(xml_text)
                    .filter((a) => a !== undefined),
            },
        }));
    },
    async describeInstanceTypeOfferings(session, input) {
        return page(await ec2Call(session, 'DescribeInstanceTypeOfferings', input), 'instanceTypeOfferingSet', (o) => ({
            InstanceType: xml_text(o.instanceType),
            Location: xml_text(o.location),
        }));
    },
};

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/aws/policy-document.ts
/**
 * IAM policy documents: types, a canonical form for comparing what we want with what AWS returns,
 * a short human diff for plan output, and the size IAM counts against its limits.
 *
 * AWS hands documents back URL-encoded and in whatever shape they were written (a string where an
 * array was sent, another order), so every comparison goes through `normalizePolicy`.
 */
const POLICY_VERSION = '2012-10-17';
function parsePolicy(input) {
    const doc = typeof input === 'string' ? parsePolicyText(input) : input;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        throw new Error('policy document must be a JSON object');
    }
    if (doc.Statement === undefined)
        throw new Error('policy document has no Statement');
    return doc;
}
function parsePolicyText(text) {
    const trimmed = text.trim();
    // JSON text starts with `{`; IAM's URL-encoded form starts with `%7B`.
    const json = trimmed.startsWith('{') ? trimmed : decodePolicyText(trimmed);
    try {
        return JSON.parse(json);
    }
    catch (err) {
        throw new Error(`policy document is not valid JSON: ${err.message}`);
    }
}
function decodePolicyText(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        throw new Error('policy document is neither JSON nor URL-encoded JSON');
    }
}
/** A policy as written (decoded when IAM URL-encoded it), for plans: readable, while comparisons use the canonical form. */
function displayPolicy(input) {
    const doc = parsePolicy(input);
    return { ...doc, Statement: statementsOf(doc) };
}
function statementsOf(doc) {
    return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}
/**
 * The canonical form of a policy: two documents IAM treats as the same compare equal (deeply, or
 * through `canonicalPolicyJson`). What is folded and what is kept:
 * - Version, Id, Sid and Effect are kept as written.
 * - Action/NotAction: lower-cased, because IAM matches action names case-insensitively.
 * - Resource/NotResource, principal values and condition values: case kept (ARNs and most values
 *   are case-sensitive), made arrays, sorted, deduplicated. Condition booleans/numbers become strings.
 * - Condition operators and keys: sorted, case kept. IAM reads key names case-insensitively, but
 *   keeping their case is the safe side: the worst it costs is one needless update after someone
 *   re-cased a key by hand.
 * - Principal `"*"` stays distinct from `{"AWS": "*"}`: IAM documents both as "everyone", yet some
 *   services treat them differently in resource policies (e.g. whether anonymous callers match).
 * - Statements are sorted by their canonical JSON and exact duplicates dropped.
 */
function normalizePolicy(input) {
    const doc = parsePolicy(input);
    const statements = sortedStatements(statementsOf(doc).map(normalizeStatement));
    return { ...dropUndefined({ Version: doc.Version, Id: doc.Id }), Statement: statements };
}
function sortedStatements(statements) {
    const byKey = new Map(statements.map((s) => [JSON.stringify(s), s]));
    return [...byKey.keys()].sort().map((key) => byKey.get(key));
}
function normalizeStatement(statement) {
    if (statement === null || typeof statement !== 'object')
        throw new Error('policy statement must be an object');
    // Key order is fixed here so that JSON.stringify of the result is canonical.
    const canonical = {
        Sid: statement.Sid,
        Effect: statement.Effect,
        Principal: normalizePrincipal(statement.Principal),
        NotPrincipal: normalizePrincipal(statement.NotPrincipal),
        Action: normalizeActions(statement.Action),
        NotAction: normalizeActions(statement.NotAction),
        Resource: normalizeList(statement.Resource),
        NotResource: normalizeList(statement.NotResource),
        Condition: normalizeCondition(statement.Condition),
    };
    return dropUndefined(canonical);
}
function normalizeActions(actions) {
    return actions === undefined ? undefined : sortedUnique(toList(actions).map((a) => a.toLowerCase()));
}
function normalizeList(values) {
    return values === undefined ? undefined : sortedUnique(toList(values));
}
function normalizePrincipal(principal) {
    if (principal === undefined)
        return undefined;
    if (principal === '*')
        return '*';
    return mapSortedKeys(principal, (values) => sortedUnique(toList(values)));
}
function normalizeCondition(condition) {
    if (condition === undefined)
        return undefined;
    return mapSortedKeys(condition, (keys) => mapSortedKeys(keys, (values) => sortedUnique(toList(values).map(String))));
}
function mapSortedKeys(record, fn) {
    const out = {};
    for (const key of Object.keys(record).sort())
        out[key] = fn(record[key]);
    return out;
}
function toList(value) {
    return Array.isArray(value) ? value : [value];
}
function sortedUnique(values) {
    return [...new Set(values)].sort();
}
function dropUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
/** A stable string for a policy: equal for documents IAM considers equal. Suitable for hashing. */
function canonicalPolicyJson(input) {
    return JSON.stringify(normalizePolicy(input));
}
function policiesEqual(a, b) {
    return canonicalPolicyJson(a) === canonicalPolicyJson(b);
}
/**
 * The size IAM counts against its managed-policy limit: the document as we send it, minified.
 * IAM ignores whitespace; whitespace inside string values is still counted here, which can only
 * overestimate.
 */
function policySize(input) {
    return JSON.stringify(parsePolicy(input)).length;
}
/**
 * Short, human lines describing how `after` differs from `before`, for plan output:
 * `+`/`-` for statements only on one side, `~` for a statement whose Sid exists on both sides.
 * Empty when the documents are equal.
 */
function diffPolicies(before, after) {
    const a = parsePolicy(before);
    const b = parsePolicy(after);
    return [
        ...diffScalar('Version', a.Version, b.Version),
        ...diffScalar('Id', a.Id, b.Id),
        ...diffStatements(statementsOf(a), statementsOf(b)),
    ];
}
function diffScalar(name, before, after) {
    return before === after ? [] : [`~ ${name}: ${JSON.stringify(before ?? null)} → ${JSON.stringify(after ?? null)}`];
}
function keyed(statements) {
    return statements.map((raw) => {
        const canonical = normalizeStatement(raw);
        return { raw, canonical, key: JSON.stringify(canonical) };
    });
}
function diffStatements(beforeStatements, afterStatements) {
    const before = keyed(beforeStatements);
    const after = keyed(afterStatements);
    const beforeKeys = new Set(before.map((s) => s.key));
    const afterKeys = new Set(after.map((s) => s.key));
    const added = after.filter((s) => !beforeKeys.has(s.key));
    const removed = before.filter((s) => !afterKeys.has(s.key));
    const lines = [];
    for (const old of removed) {
        const match = old.raw.Sid === undefined ? -1 : added.findIndex((s) => s.raw.Sid === old.raw.Sid);
        if (match < 0) {
            lines.push(`- statement ${statementLabel(old.raw)}`);
            continue;
        }
        const [updated] = added.splice(match, 1);
        lines.push(`~ statement ${old.raw.Sid}: ${statementChanges(old.canonical, updated.canonical).join('; ')}`);
    }
    for (const s of added)
        lines.push(`+ statement ${statementLabel(s.raw)}`);
    return lines;
}
function statementChanges(before, after) {
    const changes = [];
    if (before.Effect !== after.Effect)
        changes.push(`Effect ${before.Effect} → ${after.Effect}`);
    for (const field of ['Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource']) {
        changes.push(...listChange(field, flattenField(before[field]), flattenField(after[field])));
    }
    changes.push(...listChange('Condition', flattenCondition(before.Condition), flattenCondition(after.Condition)));
    return changes;
}
function listChange(field, before, after) {
    const added = after.filter((v) => !before.includes(v)).map((v) => `+${v}`);
    const removed = before.filter((v) => !after.includes(v)).map((v) => `-${v}`);
    const parts = [...added, ...removed];
    return parts.length === 0 ? [] : [`${field} ${parts.join(' ')}`];
}
function flattenField(value) {
    if (value === undefined)
        return [];
    if (typeof value === 'string')
        return [value];
    if (Array.isArray(value))
        return value;
    return Object.entries(value).flatMap(([type, values]) => values.map((v) => `${type}:${v}`));
}
function flattenCondition(condition) {
    if (condition === undefined)
        return [];
    return Object.entries(condition).flatMap(([operator, keys]) => Object.entries(keys).map(([key, values]) => `${operator}(${key}=${values.join('|')})`));
}
/** A statement's Sid, or a one-line summary of it when it has none. */
function statementLabel(statement) {
    if (statement.Sid)
        return statement.Sid;
    const actions = summarizeList(statement.Action ?? statement.NotAction);
    const target = summarizeList(statement.Resource ?? statement.NotResource);
    const principal = summarizeList(flattenField(normalizePrincipal(statement.Principal)));
    return `(${[statement.Effect, actions, target && `on ${target}`, principal && `for ${principal}`].filter(Boolean).join(' ')})`;
}
function summarizeList(value, shown = 2) {
    if (value === undefined)
        return '';
    const list = toList(value);
    const more = list.length > shown ? ` and ${list.length - shown} more` : '';
    return list.slice(0, shown).join(', ') + more;
}

// EXTERNAL MODULE: ./src/aws/regions.ts
var regions = __webpack_require__(736);
;// CONCATENATED MODULE: ./src/aws/karpenter-policy.ts
/**
 * The IAM and interruption-handling resources Karpenter needs, as data.
 *
 * The controller permissions, node role, queue policy and EventBridge rules encode the facts of the
 * official getting-started CloudFormation template of Karpenter (the test compares them with
 * `../shared/fixtures/karpenter-cloudformation-1.14.1.yaml` so that drift fails). Nothing here calls AWS.
 */



/** IAM's limit for one managed policy, in characters, whitespace not counted. */
const MANAGED_POLICY_SIZE_LIMIT = 6144;
/** IAM's limit for a policy name. */
const POLICY_NAME_LIMIT = 128;
/** EventBridge's limit for a rule name. */
const EVENT_RULE_NAME_LIMIT = 64;
/**
 * Karpenter versions whose controller permissions are encoded here. The official template is
 * byte-identical at the upstream tags v1.13.0, v1.13.1, v1.14.0 and v1.14.1 (checked against the
 * aws/karpenter-provider-aws repository); the fixture the tests read is 1.14.1. Later patch releases
 * of these lines are assumed to keep the same permissions. v1.12 differs (zonal shift, instance status).
 */
const SUPPORTED_POLICY_VERSIONS = ['1.13.x', '1.14.x'];
function isSupportedPolicyVersion(version) {
    const match = /^v?(\d+)\.(\d+)\.\d+(?:[-+].*)?$/.exec(version.trim());
    if (!match)
        return false;
    const line = `${Number(match[1])}.${Number(match[2])}.x`;
    return SUPPORTED_POLICY_VERSIONS.includes(line);
}
function assertSupportedPolicyVersion(version) {
    if (isSupportedPolicyVersion(version))
        return;
    throw new Error(`karpenter.version "${version}" is not supported: the controller IAM permissions are known for ` +
        `Karpenter ${SUPPORTED_POLICY_VERSIONS.join(', ')}. Set karpenter.version to one of these versions.`);
}
function nodeRoleArn(ctx) {
    return `arn:${ctx.partition}:iam::${ctx.accountId}:role${normalizeIamPath(ctx.nodeRolePath)}${ctx.nodeRoleName}`;
}
function queueArn(ctx, queueName) {
    return `arn:${ctx.partition}:sqs:${ctx.region}:${ctx.accountId}:${queueName}`;
}
function normalizeIamPath(path) {
    if (!path || path === '/')
        return '/';
    return `/${path.replace(/^\/+|\/+$/g, '')}/`;
}
/**
 * Every permission the Karpenter controller needs, in the template's order (node lifecycle, IAM
 * integration, EKS integration, interruption, zonal shift, resource discovery), with its Sids.
 * Interruption statements are left out when `ctx.queueName` is empty.
 */
function controllerPolicyStatements(ctx) {
    assertSupportedPolicyVersion(ctx.karpenterVersion);
    const names = new TemplateNames(ctx);
    return [
        ...nodeLifecycleStatements(names),
        ...iamIntegrationStatements(names),
        ...eksIntegrationStatements(names),
        ...(ctx.queueName ? interruptionStatements(queueArn(ctx, ctx.queueName)) : []),
        ...zonalShiftStatements(names),
        ...resourceDiscoveryStatements(names),
    ];
}
/** The ARNs and condition keys the template builds from its parameters. */
class TemplateNames {
    ctx;
    constructor(ctx) {
        this.ctx = ctx;
    }
    /** A regional EC2 resource in any account, e.g. `subnet`. */
    ec2(type) {
        return `arn:${this.ctx.partition}:ec2:${this.ctx.region}:*:${type}/*`;
    }
    /** Public EC2 resources (images, snapshots) have no account in their ARN. */
    ec2Public(type) {
        return `arn:${this.ctx.partition}:ec2:${this.ctx.region}::${type}/*`;
    }
    get instanceProfiles() {
        return `arn:${this.ctx.partition}:iam::${this.ctx.accountId}:instance-profile/*`;
    }
    get cluster() {
        return `arn:${this.ctx.partition}:eks:${this.ctx.region}:${this.ctx.accountId}:cluster/${this.ctx.clusterName}`;
    }
    get ssmPublicParameters() {
        return `arn:${this.ctx.partition}:ssm:${this.ctx.region}::parameter/aws/service/*`;
    }
    /** `aws:ResourceTag/kubernetes.io/cluster/<name>` or its `RequestTag` twin. */
    clusterTag(kind) {
        return `aws:${kind}/kubernetes.io/cluster/${this.ctx.clusterName}`;
    }
}
const RUN_AND_FLEET = ['ec2:RunInstances', 'ec2:CreateFleet'];
const LAUNCHED_RESOURCE_TYPES = [
    'fleet',
    'instance',
    'volume',
    'network-interface',
    'launch-template',
    'spot-instances-request',
];
function nodeLifecycleStatements(n) {
    const cluster = n.ctx.clusterName;
    const ownedByCluster = { [n.clusterTag('ResourceTag')]: 'owned' };
    const anyNodePool = { 'aws:ResourceTag/karpenter.sh/nodepool': '*' };
    const requestTags = {
        [n.clusterTag('RequestTag')]: 'owned',
        'aws:RequestTag/eks:eks-cluster-name': cluster,
    };
    const requestedNodePool = { 'aws:RequestTag/karpenter.sh/nodepool': '*' };
    const launched = LAUNCHED_RESOURCE_TYPES.map((type) => n.ec2(type));
    return [
        {
            Sid: 'AllowScopedEC2InstanceAccessActions',
            Effect: 'Allow',
            Resource: [
                n.ec2Public('image'),
                n.ec2Public('snapshot'),
                ...['security-group', 'subnet', 'capacity-reservation', 'placement-group'].map((type) => n.ec2(type)),
            ],
            Action: RUN_AND_FLEET,
        },
        {
            Sid: 'AllowScopedEC2LaunchTemplateAccessActions',
            Effect: 'Allow',
            Resource: n.ec2('launch-template'),
            Action: RUN_AND_FLEET,
            Condition: { StringEquals: ownedByCluster, StringLike: anyNodePool },
        },
        {
            Sid: 'AllowScopedEC2InstanceActionsWithTags',
            Effect: 'Allow',
            Resource: launched,
            Action: [...RUN_AND_FLEET, 'ec2:CreateLaunchTemplate'],
            Condition: { StringEquals: requestTags, StringLike: requestedNodePool },
        },
        {
            Sid: 'AllowScopedResourceCreationTagging',
            Effect: 'Allow',
            Resource: launched,
            Action: 'ec2:CreateTags',
            Condition: {
                StringEquals: { ...requestTags, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
                StringLike: requestedNodePool,
            },
        },
        {
            Sid: 'AllowScopedResourceTagging',
            Effect: 'Allow',
            Resource: n.ec2('instance'),
            Action: 'ec2:CreateTags',
            Condition: {
                StringEquals: ownedByCluster,
                StringLike: anyNodePool,
                StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': cluster },
                'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
            },
        },
        {
            Sid: 'AllowScopedDeletion',
            Effect: 'Allow',
            Resource: [n.ec2('instance'), n.ec2('launch-template')],
            Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
            Condition: { StringEquals: ownedByCluster, StringLike: anyNodePool },
        },
    ];
}
function iamIntegrationStatements(n) {
    const { clusterName, region } = n.ctx;
    const resourceScope = {
        [n.clusterTag('ResourceTag')]: 'owned',
        'aws:ResourceTag/topology.kubernetes.io/region': region,
    };
    const requestScope = {
        [n.clusterTag('RequestTag')]: 'owned',
        'aws:RequestTag/eks:eks-cluster-name': clusterName,
        'aws:RequestTag/topology.kubernetes.io/region': region,
    };
    const resourceNodeClass = { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' };
    const requestNodeClass = { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' };
    return [
        {
            Sid: 'AllowPassingInstanceRole',
            Effect: 'Allow',
            Resource: nodeRoleArn(n.ctx),
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
        },
        {
            Sid: 'AllowScopedInstanceProfileCreationActions',
            Effect: 'Allow',
            Resource: n.instanceProfiles,
            Action: ['iam:CreateInstanceProfile'],
            Condition: { StringEquals: requestScope, StringLike: requestNodeClass },
        },
        {
            Sid: 'AllowScopedInstanceProfileTagActions',
            Effect: 'Allow',
            Resource: n.instanceProfiles,
            Action: ['iam:TagInstanceProfile'],
            Condition: {
                StringEquals: { ...resourceScope, ...requestScope },
                StringLike: { ...resourceNodeClass, ...requestNodeClass },
            },
        },
        {
            Sid: 'AllowScopedInstanceProfileActions',
            Effect: 'Allow',
            Resource: n.instanceProfiles,
            Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
            Condition: { StringEquals: resourceScope, StringLike: resourceNodeClass },
        },
    ];
}
function eksIntegrationStatements(n) {
    return [
        { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Resource: n.cluster, Action: 'eks:DescribeCluster' },
    ];
}
function interruptionStatements(queue) {
    return [
        {
            Sid: 'AllowInterruptionQueueActions',
            Effect: 'Allow',
            Resource: queue,
            Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        },
    ];
}
function zonalShiftStatements(n) {
    return [
        {
            Sid: 'AllowZonalShiftStatusReadOnly',
            Effect: 'Allow',
            Resource: '*',
            Action: ['arc-zonal-shift:GetManagedResource'],
            Condition: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': n.cluster } },
        },
    ];
}
const REGIONAL_READ_ACTIONS = [
    'ec2:DescribeCapacityReservations',
    'ec2:DescribeImages',
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeInstanceTypeOfferings',
    'ec2:DescribeInstanceTypes',
    'ec2:DescribeLaunchTemplates',
    'ec2:DescribePlacementGroups',
    'ec2:DescribeSecurityGroups',
    'ec2:DescribeSpotPriceHistory',
    'ec2:DescribeSubnets',
];
function resourceDiscoveryStatements(n) {
    return [
        {
            Sid: 'AllowRegionalReadActions',
            Effect: 'Allow',
            Resource: '*',
            Action: REGIONAL_READ_ACTIONS,
            Condition: { StringEquals: { 'aws:RequestedRegion': n.ctx.region } },
        },
        { Sid: 'AllowSSMReadActions', Effect: 'Allow', Resource: n.ssmPublicParameters, Action: 'ssm:GetParameter' },
        { Sid: 'AllowPricingReadActions', Effect: 'Allow', Resource: '*', Action: 'pricing:GetProducts' },
        {
            Sid: 'AllowUnscopedInstanceProfileListAction',
            Effect: 'Allow',
            Resource: '*',
            Action: 'iam:ListInstanceProfiles',
        },
        {
            Sid: 'AllowInstanceProfileReadActions',
            Effect: 'Allow',
            Resource: n.instanceProfiles,
            Action: 'iam:GetInstanceProfile',
        },
    ];
}
function policyDocument(statements) {
    return { Version: POLICY_VERSION, Statement: statements };
}
/**
 * The controller permissions as managed policies: one named `baseName` when it fits the limit,
 * otherwise `baseName`, `baseName-2`, ... (see `packStatements`).
 */
function buildControllerPolicies(ctx, baseName, limit = MANAGED_POLICY_SIZE_LIMIT) {
    return packStatements(controllerPolicyStatements(ctx), baseName, limit);
}
/**
 * Packs whole statements into as few documents of at most `limit` characters as first-fit allows:
 * each statement, in the given order, joins the first document it fits in, else starts a new one.
 * The result depends only on the input, so the same statements always produce the same policies.
 */
function packStatements(statements, baseName, limit = MANAGED_POLICY_SIZE_LIMIT) {
    const groups = [];
    for (const statement of statements) {
        const alone = policySize(policyDocument([statement]));
        if (alone > limit) {
            throw new Error(`IAM statement ${statement.Sid ?? '(without Sid)'} is ${alone} characters: more than a managed policy holds (${limit})`);
        }
        const group = groups.find((g) => policySize(policyDocument([...g, statement])) <= limit);
        if (group)
            group.push(statement);
        else
            groups.push([statement]);
    }
    return groups.map((group, i) => ({ name: packedPolicyName(baseName, i), document: policyDocument(group) }));
}
function packedPolicyName(baseName, index) {
    const name = index === 0 ? baseName : `${baseName}-${index + 1}`;
    if (name.length > POLICY_NAME_LIMIT) {
        throw new Error(`IAM policy name "${name}" is longer than ${POLICY_NAME_LIMIT} characters: shorten iam.controllerPolicy`);
    }
    return name;
}
// ---- Node role -------------------------------------------------------------------------------
/** The AWS managed policies the template attaches to the node role. */
const NODE_ROLE_MANAGED_POLICIES = [
    'AmazonEKSWorkerNodePolicy',
    'AmazonEKS_CNI_Policy',
    'AmazonEC2ContainerRegistryPullOnly',
    'AmazonSSMManagedInstanceCore',
];
function nodeRoleManagedPolicyArns(partition) {
    return NODE_ROLE_MANAGED_POLICIES.map((name) => `arn:${partition}:iam::aws:policy/${name}`);
}
/** Lets EC2 instances (Karpenter's nodes) assume the node role. */
function nodeRoleTrustPolicy(partition = 'aws') {
    return policyDocument([
        { Effect: 'Allow', Principal: { Service: `ec2.${(0,regions/* dnsSuffixOf */.a4)(partition)}` }, Action: ['sts:AssumeRole'] },
    ]);
}
/** The issuer as IAM names it: host and path, without scheme or trailing slash. */
function oidcIssuerHostPath(issuerUrl) {
    const hostPath = issuerUrl
        .trim()
        .replace(/^https:\/\//i, '')
        .replace(/\/+$/, '');
    if (!hostPath || /^[a-z][a-z0-9+.-]*:\/\//i.test(hostPath)) {
        throw new Error(`OIDC issuer "${issuerUrl}" must be an https:// URL (the cluster's identity.oidc.issuer)`);
    }
    return hostPath;
}
/** Lets the Karpenter service account assume the controller role through IRSA (web identity). */
function irsaTrustPolicy(opts) {
    const issuer = oidcIssuerHostPath(opts.issuerUrl);
    return policyDocument([
        {
            Effect: 'Allow',
            Principal: { Federated: `arn:${opts.partition}:iam::${opts.accountId}:oidc-provider/${issuer}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
                StringEquals: {
                    [`${issuer}:sub`]: `system:serviceaccount:${opts.namespace}:${opts.serviceAccount}`,
                    [`${issuer}:aud`]: 'sts.amazonaws.com',
                },
            },
        },
    ]);
}
/** Lets EKS Pod Identity hand the controller role to the Karpenter pod. */
function podIdentityTrustPolicy() {
    return policyDocument([
        { Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
}
// ---- Interruption queue ----------------------------------------------------------------------
/** Queue attributes the template sets (as SQS SetQueueAttributes strings). */
const INTERRUPTION_QUEUE_ATTRIBUTES = { MessageRetentionPeriod: '300', SqsManagedSseEnabled: 'true' };
/**
 * The queue's resource policy: EventBridge (and SQS itself) may send messages; any request over
 * plain HTTP is denied. The template leaves Version out; we set the current one, which changes
 * nothing here since the policy uses no variables.
 */
function interruptionQueuePolicy(opts) {
    return {
        Version: POLICY_VERSION,
        Id: 'EC2InterruptionPolicy',
        Statement: [
            {
                Effect: 'Allow',
                Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] },
                Action: 'sqs:SendMessage',
                Resource: opts.queueArn,
            },
            {
                Sid: 'DenyHTTP',
                Effect: 'Deny',
                Action: 'sqs:*',
                Resource: opts.queueArn,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                Principal: '*',
            },
        ],
    };
}
/** The target id the template gives the queue on every rule. */
const INTERRUPTION_RULE_TARGET_ID = 'KarpenterInterruptionQueueTarget';
const INTERRUPTION_EVENTS = [
    { kind: 'scheduled-change', source: 'aws.health', detailType: 'AWS Health Event' },
    { kind: 'spot-interruption', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
    { kind: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
    { kind: 'instance-state-change', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
    {
        kind: 'capacity-reservation',
        source: 'aws.ec2',
        detailType: 'EC2 Capacity Reservation Instance Interruption Warning',
    },
];
/**
 * The EventBridge rules that feed the interruption queue, in the template's order. Their names start
 * from `nameBase`: the cluster name by default; the action passes the queue's name, so that the rules of
 * two queues (two installations, or two test runs in one account) never collide.
 */
function interruptionRules(clusterName, nameBase = clusterName) {
    const prefix = interruptionRulePrefix(nameBase);
    return INTERRUPTION_EVENTS.map((event) => ({
        name: `${prefix}-${event.kind}`,
        description: `Karpenter interruption handling for cluster ${clusterName}: ${event.detailType}`,
        eventPattern: { source: [event.source], 'detail-type': [event.detailType] },
    }));
}
/**
 * What every interruption rule name of a cluster starts with: `karpenter-<cluster>`, or, when that
 * would push a rule name past EventBridge's 64 characters, the cluster name shortened and followed
 * by a hash of the full name (so that different clusters keep different names).
 */
function interruptionRulePrefix(clusterName) {
    const longestKind = Math.max(...INTERRUPTION_EVENTS.map((e) => e.kind.length));
    const room = EVENT_RULE_NAME_LIMIT - longestKind - 1;
    const prefix = `karpenter-${clusterName}`;
    if (prefix.length <= room)
        return prefix;
    const hash = (0,external_node_crypto_.createHash)('sha256').update(clusterName).digest('hex').slice(0, 8);
    const kept = clusterName.slice(0, room - `karpenter--${hash}`.length).replace(/[-_]+$/, '');
    return `karpenter-${kept}-${hash}`;
}

;// CONCATENATED MODULE: ./src/aws/preflight.ts
/**
 * Pre-flight: what must hold in AWS before the action changes anything. Every failure names the config key
 * it concerns and what to do, and all of them are reported at once (like configuration errors).
 */





/** IAM's and SQS's name limits. */
const NAME_LIMITS = { role: 64, instanceProfile: 128, policy: 128, queue: 80, path: 512 };
/** EC2's architecture names for the Kubernetes ones the config uses. */
const EC2_ARCH = { amd64: 'x86_64', arm64: 'arm64' };
/** What pre-flight found wrong in AWS, listed as configuration problems (reason `preflight`). */
class PreflightError extends errors/* ConfigError */.x {
    constructor(file, problems) {
        super(file, problems, 'preflight');
        this.name = 'PreflightError';
        const [, ...lines] = (0,errors/* formatProblems */.C)(file, problems).split('\n');
        this.message = [
            `pre-flight: ${problems.length} problem${problems.length === 1 ? '' : 's'} found in AWS for ${file}; nothing was changed`,
            ...lines,
        ].join('\n');
    }
}
/** Runs every check; throws PreflightError listing each problem. Reads run concurrently. */
async function preflight(input) {
    const problems = staticProblems(input.config, input.cluster);
    const facts = await readEc2Facts(input);
    problems.push(...ec2Problems(input.config, input.cluster, facts));
    if (problems.length)
        throw new PreflightError(input.config.file, problems);
    return { vpcId: facts.vpcId, warnings: ec2Warnings(input.config, facts) };
}
/** Checks that need no AWS call: the cluster's state, names, and settings that must agree with the cluster. */
function staticProblems(config, cluster) {
    const out = [];
    if (cluster.status !== 'ACTIVE') {
        out.push({
            field: 'cluster.name',
            message: `the EKS cluster "${cluster.name}" is ${cluster.status}, not ACTIVE`,
            fix: 'wait until the cluster is ACTIVE, or check the name',
        });
    }
    const name = (field, value, limit, what) => {
        if ((0,arns/* looksLikeArnOrUrl */.tD)(value) || value.includes('/')) {
            out.push({ field, message: `"${value}" is an ARN or URL, not ${what} name`, fix: 'write just the name' });
        }
        else if (value.length > limit) {
            out.push({
                field,
                message: `"${value}" is ${value.length} characters; ${what} name has at most ${limit}`,
                fix: 'use a shorter name',
            });
        }
    };
    name('iam.nodeRole', config.iam.nodeRole, NAME_LIMITS.role, 'a role');
    name('iam.controllerRole', config.iam.controllerRole, NAME_LIMITS.role, 'a role');
    name('iam.instanceProfile', config.iam.instanceProfile, NAME_LIMITS.instanceProfile, 'an instance profile');
    // Room for the `-N` suffix of a split policy.
    name('iam.controllerPolicy', config.iam.controllerPolicy, NAME_LIMITS.policy - 2, 'a policy');
    if (config.iam.path.length > NAME_LIMITS.path) {
        out.push({ field: 'iam.path', message: `is longer than ${NAME_LIMITS.path} characters`, fix: 'use a shorter path' });
    }
    if (config.interruption.enabled) {
        name('interruption.queue', config.interruption.queue, NAME_LIMITS.queue, 'a queue');
        if (!/^[A-Za-z0-9_-]+$/.test(config.interruption.queue) && !(0,arns/* looksLikeArnOrUrl */.tD)(config.interruption.queue)) {
            out.push({
                field: 'interruption.queue',
                message: `"${config.interruption.queue}" has characters SQS does not allow`,
                fix: 'use letters, digits, - and _ only',
            });
        }
    }
    if (!isSupportedPolicyVersion(config.karpenter.version)) {
        out.push({
            field: 'karpenter.version',
            message: `controller permissions are known for Karpenter ${SUPPORTED_POLICY_VERSIONS.join(', ')}, not ${config.karpenter.version}`,
            fix: 'use a supported version',
        });
    }
    if (config.karpenter.auth === 'irsa' && !cluster.oidcIssuer) {
        out.push({
            field: 'karpenter.auth',
            message: `irsa needs the cluster's OIDC issuer, and EKS reports none for "${cluster.name}"`,
            fix: 'associate an OIDC issuer with the cluster, or set karpenter.auth: pod-identity',
        });
    }
    const mode = cluster.authenticationMode ?? 'CONFIG_MAP';
    if (config.iam.nodeAccess === 'access-entry' && mode === 'CONFIG_MAP') {
        out.push({
            field: 'iam.nodeAccess',
            message: `access-entry needs the cluster's authentication mode to include the access API; it is ${mode}`,
            fix: 'switch the cluster to API_AND_CONFIG_MAP (aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP), or set iam.nodeAccess: aws-auth or auto',
        });
    }
    if (config.iam.nodeAccess === 'aws-auth' && mode === 'API') {
        out.push({
            field: 'iam.nodeAccess',
            message: 'aws-auth has no effect: the cluster authenticates through access entries only (mode API)',
            fix: 'set iam.nodeAccess: access-entry or auto',
        });
    }
    return out;
}
/** The EC2 facts the checks need, in at most two rounds of concurrent calls. */
async function readEc2Facts(input) {
    const aws = input.aws;
    const vpcId = input.config.cluster.vpcId ?? input.cluster.vpcId ?? (await vpcOfSubnets(input));
    const types = [...new Set(input.config.nodePools.flatMap((np) => np.instanceTypes ?? []))];
    const byVpc = [{ Name: 'vpc-id', Values: [vpcId] }];
    const byType = [{ Name: 'instance-type', Values: types }];
    const [vpcExists, subnets, securityGroups, instanceTypes, offerings] = await Promise.all([
        ec2.describeVpcs(aws, { VpcIds: [vpcId] }).then((o) => o.items.length > 0, (e) => {
            if (/InvalidVpcID/.test((0,calls/* awsErrorName */.ZH)(e) ?? ''))
                return false;
            throw e;
        }),
        (0,calls/* paginate */.En)((NextToken) => ec2.describeSubnets(aws, { Filters: byVpc, NextToken })),
        (0,calls/* paginate */.En)((NextToken) => ec2.describeSecurityGroups(aws, { Filters: byVpc, NextToken })),
        types.length === 0 ? [] : (0,calls/* paginate */.En)((NextToken) => ec2.describeInstanceTypes(aws, { Filters: byType, NextToken })),
        types.length === 0
            ? []
            : (0,calls/* paginate */.En)((NextToken) => ec2.describeInstanceTypeOfferings(aws, { LocationType: 'availability-zone', Filters: byType, NextToken })),
    ]);
    const offered = new Map();
    for (const o of offerings) {
        if (!o.InstanceType || !o.Location)
            continue;
        if (!offered.has(o.InstanceType))
            offered.set(o.InstanceType, new Set());
        offered.get(o.InstanceType).add(o.Location);
    }
    return {
        vpcId,
        vpcExists,
        subnets,
        securityGroups,
        instanceTypes: new Map(instanceTypes.map((t) => [t.InstanceType ?? '', t.ProcessorInfo?.SupportedArchitectures ?? []])),
        offerings: offered,
    };
}
async function vpcOfSubnets(input) {
    const first = input.cluster.subnetIds[0];
    const vpc = first ? (await ec2.describeSubnets(input.aws, { SubnetIds: [first] })).items[0]?.VpcId : undefined;
    if (vpc)
        return vpc;
    throw new PreflightError(input.config.file, [
        {
            field: 'cluster.vpcId',
            message: 'EKS reports no VPC for the cluster',
            fix: 'set cluster.vpcId to the VPC of the cluster',
        },
    ]);
}
/** Karpenter's tag selector: every key present, with the given value or any value for `*`. */
function matchesSelector(tags, selector) {
    const have = (0,calls/* tagMap */.lD)(tags);
    return Object.entries(selector).every(([k, v]) => k in have && (v === '*' || have[k] === v));
}
function selectorText(selector) {
    return Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
}
/** The subnets a node pool selects among the VPC's. */
function selectedSubnets(np, facts) {
    if (np.subnetIds)
        return facts.subnets.filter((s) => np.subnetIds.includes(s.SubnetId ?? ''));
    return facts.subnets.filter((s) => matchesSelector(s.Tags, np.subnetSelector ?? {}));
}
/** The zones a node pool can launch in: its configured zones, else those of its subnets. */
function poolZones(np, facts) {
    return np.zones ?? [...new Set(selectedSubnets(np, facts).map((s) => s.AvailabilityZone ?? ''))].sort();
}
/** The problems the EC2 facts show. */
function ec2Problems(config, cluster, facts) {
    const out = [];
    const vpc = facts.vpcId;
    if (config.cluster.vpcId && cluster.vpcId && config.cluster.vpcId !== cluster.vpcId) {
        out.push({
            field: 'cluster.vpcId',
            message: `is ${config.cluster.vpcId}, but the cluster runs in ${cluster.vpcId}`,
            fix: `set it to ${cluster.vpcId} or remove it`,
        });
    }
    if (!facts.vpcExists) {
        out.push({
            field: 'cluster.vpcId',
            message: `the VPC ${vpc} does not exist in ${config.cluster.region}`,
            fix: "set cluster.vpcId to the cluster's VPC, or remove it to use the VPC EKS reports",
        });
        return out; // Nothing else can be checked without it.
    }
    config.nodePools.forEach((np, i) => {
        const at = `nodePools[${i}]`;
        if (np.subnetIds) {
            const inVpc = new Set(facts.subnets.map((s) => s.SubnetId));
            for (const id of np.subnetIds.filter((id) => !inVpc.has(id))) {
                out.push({
                    field: `${at}.subnetIds`,
                    message: `${id} is not a subnet of ${vpc}`,
                    fix: `use subnets of ${vpc}`,
                });
            }
        }
        else if (np.subnetSelector && selectedSubnets(np, facts).length === 0) {
            out.push({
                field: `${at}.subnetSelector`,
                message: `${selectorText(np.subnetSelector)} matches no subnet in ${vpc}`,
                fix: 'tag the subnets the nodes should use with it, or correct the selector',
            });
        }
        if (np.securityGroupIds) {
            const inVpc = new Set(facts.securityGroups.map((g) => g.GroupId));
            for (const id of np.securityGroupIds.filter((id) => !inVpc.has(id))) {
                out.push({
                    field: `${at}.securityGroupIds`,
                    message: `${id} is not a security group of ${vpc}`,
                    fix: `use security groups of ${vpc}`,
                });
            }
        }
        else if (np.securityGroupSelector &&
            !facts.securityGroups.some((g) => matchesSelector(g.Tags, np.securityGroupSelector))) {
            out.push({
                field: `${at}.securityGroupSelector`,
                message: `${selectorText(np.securityGroupSelector)} matches no security group in ${vpc}`,
                fix: 'tag the security groups of the nodes with it, or correct the selector',
            });
        }
        const subnetZones = new Set(selectedSubnets(np, facts).map((s) => s.AvailabilityZone));
        for (const z of (np.zones ?? []).filter((z) => !subnetZones.has(z))) {
            out.push({
                field: `${at}.zones`,
                message: `no selected subnet is in ${z}`,
                fix: `select a subnet in ${z}, or remove ${z} from zones`,
            });
        }
        out.push(...instanceTypeProblems(np, at, facts, config.cluster.region));
    });
    return out;
}
function instanceTypeProblems(np, at, facts, region) {
    if (!np.instanceTypes)
        return [];
    const out = [];
    const zones = poolZones(np, facts);
    for (const type of np.instanceTypes) {
        if (!facts.instanceTypes.has(type)) {
            out.push({
                field: `${at}.instanceTypes`,
                message: `${type} is not an EC2 instance type in ${region}`,
                fix: 'correct the name (e.g. m5.large) or remove it',
            });
            continue;
        }
        const offered = facts.offerings.get(type) ?? new Set();
        if (zones.length && !zones.some((z) => offered.has(z))) {
            out.push({
                field: `${at}.instanceTypes`,
                message: `${type} is not offered in ${zones.join(', ')}`,
                fix: `use a type offered there${offered.size ? `, or add a zone where it is (${[...offered].sort().join(', ')})` : ''}`,
            });
        }
    }
    for (const arch of np.architectures) {
        const ec2Arch = EC2_ARCH[arch] ?? arch;
        const known = np.instanceTypes.filter((t) => facts.instanceTypes.has(t));
        if (known.length && !known.some((t) => facts.instanceTypes.get(t).includes(ec2Arch))) {
            out.push({
                field: `${at}.architectures`,
                message: `lists ${arch}, but none of the instance types is ${arch} (${known.join(', ')})`,
                fix: `add an ${arch} instance type (${arch === 'arm64' ? 'e.g. m6g.large' : 'e.g. m5.large'}) or remove ${arch}`,
            });
        }
    }
    return out;
}
/** Findings that do not stop the run. */
function ec2Warnings(config, facts) {
    const out = [];
    config.nodePools.forEach((np, i) => {
        if (!np.instanceTypes)
            return;
        const zones = poolZones(np, facts);
        const archs = np.architectures.map((a) => EC2_ARCH[a] ?? a);
        for (const type of np.instanceTypes) {
            const offered = facts.offerings.get(type);
            const supported = facts.instanceTypes.get(type);
            if (!offered || !supported)
                continue;
            const missing = zones.filter((z) => !offered.has(z));
            if (missing.length && missing.length < zones.length) {
                out.push(`nodePools[${i}].instanceTypes: ${type} is not offered in ${missing.join(', ')}; Karpenter will launch it only in the other zones.`);
            }
            if (!supported.some((a) => archs.includes(a))) {
                out.push(`nodePools[${i}].instanceTypes: ${type} (${supported.join(', ')}) never launches: its architecture is not in architectures (${np.architectures.join(', ')}).`);
            }
        }
    });
    return out;
}

// EXTERNAL MODULE: ./src/workflow-run.ts
var workflow_run = __webpack_require__(9586);
;// CONCATENATED MODULE: ./src/github/event.ts
/**
 * The run as GitHub describes it: which event, which repository, which pull request and commit, where the run's
 * page is. Read from the runner's environment (GITHUB_*) and the event payload file, so it can be built in a test.
 */

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
function isPullRequestEvent(eventName) {
    return PULL_REQUEST_EVENTS.has(eventName);
}
/** Reads the event context; `prNumberInput` (the `pr-number` input) wins over the event's pull request. */
function readEventContext(env = process.env, prNumberInput) {
    const eventName = env.GITHUB_EVENT_NAME ?? '';
    const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const payload = isPullRequestEvent(eventName) ? (0,workflow_run/* readEventPayload */.N5)(env.GITHUB_EVENT_PATH) : {};
    const pr = payload.pull_request;
    const eventPr = typeof pr?.number === 'number' ? pr.number : undefined;
    return {
        eventName,
        owner: owner || undefined,
        repo: repo || undefined,
        prNumber: prNumberInput ?? eventPr,
        prSource: prNumberInput !== undefined ? 'input' : eventPr !== undefined ? 'event' : undefined,
        headSha: pr?.head?.sha || env.GITHUB_SHA || undefined,
        ...(typeof pr?.base?.sha === 'string' && pr.base.sha ? { baseSha: pr.base.sha } : {}),
        fromFork: (0,workflow_run/* isForkPullRequest */.B7)(payload, env.GITHUB_REPOSITORY),
        actor: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || undefined,
        runUrl: (0,workflow_run/* runUrl */.Vp)(env),
        repoUrl: (0,workflow_run/* repositoryUrl */.Ek)(env),
        apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    };
}
/** A drift check: a plan run by a `schedule` event, which fails when it finds changes. */
function isDriftCheck(mode, eventName) {
    return mode === 'plan' && eventName === 'schedule';
}
/**
 * When to comment.
 * - `never`: no comment.
 * - `auto`: on pull_request events, and on runs given `pr-number` (a reviewed apply reports its result where the
 *   plan was reviewed). A comment that cannot be posted fails the run, except on a pull request from a fork, whose
 *   token GitHub makes read-only: there it is a warning and the job summary holds the plan.
 * - `always`: like `auto` but a comment is required: no pull request to comment on, or a comment that cannot be
 *   posted, fails the run.
 */
function decideComment(setting, event) {
    if (setting === 'never')
        return { post: false, required: false, why: 'input `comment` is never' };
    const pr = event.prNumber;
    if (pr === undefined) {
        return {
            post: false,
            required: setting === 'always',
            why: setting === 'always'
                ? `input \`comment\` is always, but this ${event.eventName || 'local'} run has no pull request: set \`pr-number\``
                : `no pull request in this ${event.eventName || 'local'} run`,
        };
    }
    const from = event.prSource === 'input' ? 'input `pr-number`' : `the ${event.eventName} event`;
    return {
        post: true,
        required: setting === 'always' || !event.fromFork,
        why: `pull request #${pr} from ${from}`,
    };
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/outcome.ts
var outcome = __webpack_require__(4671);
;// CONCATENATED MODULE: ./src/plan/types.ts
/**
 * The plan model: what the engine computes and every view (log, job summary, PR comment, outputs,
 * approved-plan check) renders. Plain data: serializable and hashable.
 */
/** The changes that do something (the no-ops left out). */
function changing(plan) {
    return plan.changes.filter((c) => c.action !== 'noop');
}
/**
 * A resource the plan leaves as it is although a deletion was asked for (destroy, or a config that no longer wants
 * it): e.g. one the action adopted rather than created. Its note says why (`left: ...`); views show it, not hide it.
 */
function isLeft(c) {
    return c.action === 'noop' && c.note?.startsWith('left:') === true;
}
/** True when the plan creates, changes or deletes anything. */
function hasChanges(plan) {
    return plan.summary.add + plan.summary.change + plan.summary.destroy > 0;
}

// EXTERNAL MODULE: ./src/report/escape.ts
var report_escape = __webpack_require__(4031);
;// CONCATENATED MODULE: ./src/report/text.ts


const SYMBOL = { create: '+', update: '~', delete: '-', replace: '-/+', noop: ' ' };
function summaryLine(plan) {
    const { add, change, destroy } = plan.summary;
    if (!hasChanges(plan))
        return 'No changes. The cluster matches the configuration.';
    return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}
/** A value as one short line for the plan. */
function showValue(v, f) {
    if (f?.sensitive)
        return '(sensitive)';
    if (v === undefined)
        return '(none)';
    return (0,report_escape/* oneLine */.TN)(JSON.stringify(v));
}
function fieldLine(f) {
    const mark = f.before === undefined ? '+' : f.after === undefined ? '-' : '~';
    const replace = f.forcesReplacement ? ' # forces replacement' : '';
    const path = (0,report_escape/* oneLine */.TN)(f.path);
    if (mark === '+')
        return `${mark} ${path} = ${showValue(f.after, f)}${replace}`;
    if (mark === '-')
        return `${mark} ${path} = ${showValue(f.before, f)}${replace}`;
    return `${mark} ${path}: ${showValue(f.before, f)} -> ${showValue(f.after, f)}${replace}`;
}
/** One change's line. Kinds and names come from the user's manifests too: each is kept to its line (src/report/escape.ts). */
function changeLine(c) {
    return `${SYMBOL[c.action].padStart(3)} ${(0,report_escape/* oneLine */.TN)(c.kind)} ${(0,report_escape/* oneLine */.TN)(c.name)}${c.note ? `  (${(0,report_escape/* oneLine */.TN)(c.note)})` : ''}`;
}
/** The plan as Terraform prints it: one line per changing resource, field diffs beneath, the summary last. */
function renderText(plan) {
    const lines = [];
    for (const c of plan.changes) {
        if (c.action === 'noop' && !isLeft(c))
            continue;
        lines.push(changeLine(c));
        for (const f of c.fields)
            lines.push(`        ${fieldLine(f)}`);
    }
    if (lines.length)
        lines.push('');
    for (const w of plan.warnings)
        lines.push(`Warning: ${(0,report_escape/* oneLine */.TN)(w)}`);
    lines.push(summaryLine(plan));
    return lines.join('\n');
}
const VERB = { create: 'creating', update: 'updating', replace: 'replacing', delete: 'deleting' };
/** A log line for what happens to one change while it is applied. */
function eventLine(e) {
    const took = (ms) => `${(ms / 1000).toFixed(1)}s`;
    const what = `${(0,report_escape/* oneLine */.TN)(e.kind)} ${(0,report_escape/* oneLine */.TN)(e.name)}`;
    if (e.type === 'started')
        return `${VERB[e.action]} ${what} ...`;
    if (e.type === 'done')
        return `${what}: ${e.action} done in ${took(e.durationMs)}`;
    // A failure is logged with core.error, whose workflow-command escaping keeps the error's lines in its annotation.
    return `${what}: ${e.action} failed after ${took(e.durationMs)}: ${e.error}`;
}

;// CONCATENATED MODULE: ./src/report/mermaid.ts

/** Past this many nodes the graph stops being readable (and GitHub's renderer slows down): leave it out. */
const MAX_GRAPH_NODES = 80;
const CLASSES = {
    create: 'fill:#dafbe1,stroke:#1a7f37,color:#0d3a1c',
    update: 'fill:#fff8c5,stroke:#9a6700,color:#3b2300',
    delete: 'fill:#ffebe9,stroke:#cf222e,color:#5c0f14',
    replace: 'fill:#fbefff,stroke:#8250df,color:#2e1065',
    noop: 'fill:#f6f8fa,stroke:#8c959f,color:#57606a',
    failed: 'fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#5c0f14',
    skipped: 'fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3,color:#57606a',
};
const LEGEND = {
    create: 'create',
    update: 'update',
    delete: 'delete',
    replace: 'replace',
    noop: 'unchanged',
};
/** Mermaid source (without the fence), or undefined when there is nothing to draw or too much. */
function renderMermaid(changes, options = {}) {
    const max = options.maxNodes ?? MAX_GRAPH_NODES;
    let shown = changes;
    // A big plan: the unchanged resources go first, keeping the ones that change and the edges between them.
    if (shown.length > max)
        shown = changes.filter((c) => c.action !== 'noop');
    if (shown.length === 0 || shown.length > max)
        return undefined;
    const nodeId = new Map(shown.map((c, i) => [c.id, `r${i}`]));
    const status = new Map((options.results ?? []).map((r) => [r.id, r.status]));
    const lines = ['flowchart LR'];
    for (const c of shown) {
        const symbol = c.action === 'noop' ? '' : `${SYMBOL[c.action]} `;
        lines.push(`  ${nodeId.get(c.id)}["${label(`${symbol}${c.kind}`)}<br/>${label(c.name)}"]`);
    }
    for (const c of shown) {
        for (const dep of c.dependsOn) {
            const from = nodeId.get(dep);
            if (from)
                lines.push(`  ${from} --> ${nodeId.get(c.id)}`);
        }
    }
    const members = new Map();
    for (const c of shown) {
        const s = status.get(c.id);
        const cls = s === 'failed' || s === 'skipped' ? s : c.action;
        members.set(cls, [...(members.get(cls) ?? []), nodeId.get(c.id)]);
    }
    for (const [cls, style] of Object.entries(CLASSES)) {
        const nodes = members.get(cls);
        if (nodes)
            lines.push(`  class ${nodes.join(',')} ${cls}`, `  classDef ${cls} ${style}`);
    }
    return lines.join('\n');
}
/** A one-line legend of the colours the graph uses, e.g. `green: create · yellow: update`. */
function graphLegend(changes, results) {
    const colour = {
        create: 'green',
        update: 'yellow',
        delete: 'red',
        replace: 'purple',
        noop: 'grey',
    };
    const actions = new Set(changes.map((c) => c.action));
    const parts = ['create', 'update', 'replace', 'delete', 'noop']
        .filter((a) => actions.has(a))
        .map((a) => `${colour[a]}: ${LEGEND[a]}`);
    if (results?.some((r) => r.status === 'failed'))
        parts.push('thick red border: failed');
    if (results?.some((r) => r.status === 'skipped'))
        parts.push('dashed: not started');
    return parts.join(' · ');
}
/**
 * Text inside a quoted Mermaid label: quotes and angle brackets become entity codes (Mermaid's `#quot;` form),
 * so a name can neither end the label nor inject markup.
 */
function label(text) {
    return text
        .replace(/#/g, '#35;')
        .replace(/"/g, '#quot;')
        .replace(/</g, '#lt;')
        .replace(/>/g, '#gt;')
        .replace(/[\r\n]+/g, ' ');
}

;// CONCATENATED MODULE: ./src/report/markdown.ts
/**
 * The plan as Markdown: the job summary (always the whole plan) and the pull-request comment (the same view plus
 * the next step, cut to GitHub's limit by src/github/comment.ts). Sensitive values never reach the text: field
 * lines go through text.ts, which prints `(sensitive)` for them, and their detail lines are left out.
 */



/** Longest error text shown in a result cell; the log has the whole message. */
const MAX_ERROR_CHARS = 300;
function renderMarkdown(plan, ctx) {
    const out = [];
    const changes = changing(plan);
    const left = plan.changes.filter(isLeft);
    const unchanged = plan.changes.filter((c) => c.action === 'noop' && !isLeft(c));
    const results = ctx.results && new Map(ctx.results.map((r) => [r.id, r]));
    out.push(`### ${title(plan, ctx)}`, '');
    out.push(`**${headline(plan, ctx)}**`, '');
    out.push(metaLine(plan, ctx), '');
    for (const w of plan.warnings)
        out.push('> [!WARNING]', `> ${html(oneLine(w))}`, '');
    if (changes.length)
        out.push(...resourceTable(changes, results), '');
    if (left.length)
        out.push(...leftList(left), '');
    if (changes.length) {
        if (unchanged.length)
            out.push(...unchangedList(unchanged), '');
        const withFields = changes.filter((c) => c.fields.length);
        if (withFields.length) {
            out.push('#### Changes', '');
            for (const c of withFields)
                out.push(...fieldDetails(c), '');
        }
    }
    else if (unchanged.length) {
        out.push(...unchangedList(unchanged), '');
    }
    // The graph shows what a change touches; with nothing changing it would be noise.
    if (ctx.graph !== false && changes.length) {
        const graph = renderMermaid(plan.changes, { results: ctx.results });
        if (graph) {
            out.push('<details><summary>Dependency graph</summary>', '', '```mermaid', graph, '```', '');
            out.push(`<sub>${graphLegend(plan.changes, ctx.results)}</sub>`, '', '</details>', '');
        }
    }
    if (ctx.target === 'comment')
        out.push(...nextStep(plan, ctx));
    return out.join('\n').replace(/\n{3,}/g, '\n\n');
}
function title(plan, ctx) {
    const where = `\`${plan.cluster}\` (${plan.region})`;
    if (ctx.results)
        return `Karpenter ${plan.mode === 'destroy' ? 'destroy' : 'apply'} for ${where}`;
    if (ctx.drift)
        return `Karpenter drift check for ${where}`;
    return `Karpenter ${plan.mode === 'plan' ? 'plan' : `${plan.mode} plan`} for ${where}`;
}
function headline(plan, ctx) {
    if (ctx.results) {
        const count = (s) => ctx.results.filter((r) => r.status === s).length;
        const [done, failed, skipped] = [count('done'), count('failed'), count('skipped')];
        const verb = plan.mode === 'destroy' ? 'Destroy' : 'Apply';
        if (ctx.results.length === 0)
            return `${verb}: nothing to do. The cluster matches the configuration.`;
        if (failed === 0)
            return `${verb} complete: ${done} of ${ctx.results.length} change(s) done.`;
        return `${verb} failed: ${failed} change(s) failed, ${done} done, ${skipped} not started.`;
    }
    if (hasChanges(plan) && ctx.drift)
        return `Drift detected. ${summaryLine(plan)}`;
    return summaryLine(plan);
}
function metaLine(plan, ctx) {
    const meta = [`mode \`${plan.mode}\``];
    if (ctx.commit) {
        const short = `\`${ctx.commit.slice(0, 7)}\``;
        meta.push(`commit ${ctx.repoUrl ? `[${short}](${ctx.repoUrl}/commit/${ctx.commit})` : short}`);
    }
    meta.push(`plan \`${ctx.planId}\``);
    if (ctx.runUrl)
        meta.push(`[workflow run](${ctx.runUrl})`);
    return meta.join(' · ');
}
function resourceTable(changing, results) {
    const rows = results
        ? ['| | Resource | Name | Change | Result |', '|:-:|---|---|---|---|']
        : ['| | Resource | Name | Change |', '|:-:|---|---|---|'];
    for (const c of changing) {
        const cells = [`\`${SYMBOL[c.action]}\``, cell(c.kind), code(c.name), cell(changeText(c))];
        if (results)
            cells.push(resultText(results.get(c.id)));
        rows.push(`| ${cells.join(' | ')} |`);
    }
    return rows;
}
function changeText(c) {
    const fields = c.fields.length ? ` (${c.fields.length} field${c.fields.length === 1 ? '' : 's'})` : '';
    return `${c.action}${fields}${c.note ? `: ${c.note}` : ''}`;
}
function resultText(r) {
    if (!r)
        return 'not run';
    const took = `${(r.durationMs / 1000).toFixed(1)}s`;
    if (r.status === 'done')
        return `done in ${took}`;
    if (r.status === 'skipped')
        return 'not started';
    const error = r.error ?? 'unknown error';
    const shown = error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
    return `**failed** after ${took}: ${cell(shown)}`;
}
/** What a deletion leaves in place, and why: in view, not folded away with the unchanged ones. */
function leftList(left) {
    const items = left.map((c) => `- ${cell(c.kind)} ${code(c.name)}: ${cell(c.note ?? '')}`);
    return [`**Left in place** (${left.length}):`, '', ...items];
}
function unchangedList(unchanged) {
    const n = unchanged.length;
    const items = unchanged.map((c) => `- ${cell(c.kind)} ${code(c.name)}${c.note ? ` (${cell(c.note)})` : ''}`);
    return [`<details><summary>${n} resource${n === 1 ? '' : 's'} unchanged</summary>`, '', ...items, '', '</details>'];
}
function fieldDetails(c) {
    const lines = [];
    for (const f of c.fields) {
        lines.push(fieldLine(f));
        for (const d of detailLines(f))
            lines.push(`    ${d}`);
    }
    const fence = fenceFor(lines);
    const n = c.fields.length;
    const summary = `<code>${html(`${SYMBOL[c.action]} ${c.kind} ${c.name}`)}</code>: ${n} field${n === 1 ? '' : 's'}`;
    return [`<details><summary>${summary}</summary>`, '', `${fence}diff`, ...lines, fence, '', '</details>'];
}
/** A sensitive field's detail lines could quote its value: they are never shown. */
function detailLines(f) {
    if (f.sensitive)
        return [];
    return (f.detail ?? []).flatMap((d) => d.split(/\r?\n/));
}
function nextStep(plan, ctx) {
    if (ctx.results || !hasChanges(plan))
        return [];
    const pr = ctx.prNumber ? ` with \`pr-number: ${ctx.prNumber}\`` : '';
    return [
        '---',
        `<sub>To apply, run the apply workflow${pr}. It plans again first and refuses if the result differs from this ` +
            'comment or if commits were pushed after it. The job summary of the run holds the whole plan.</sub>',
        '',
    ];
}
/** A fence longer than any run of backticks inside, so no value can close it early. */
function fenceFor(lines) {
    const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
    return '`'.repeat(Math.max(3, longest + 1));
}
/** Inline code that survives backticks and table pipes in the text (code spans show `<` as it is). */
function code(text) {
    const ticks = '`'.repeat(Math.max(1, ...(text.match(/`+/g) ?? []).map((m) => m.length + 1)));
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${ticks}${pad}${oneLine(text).replace(/\|/g, '\\|')}${pad}${ticks}`;
}
/** Plain text for a table cell or a list item: one line, no markup of its own. */
function cell(text) {
    return html(oneLine(text)).replace(/\|/g, '\\|');
}
function oneLine(text) {
    return text.replace(/\s*[\r\n]+\s*/g, ' ');
}
function html(text) {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

;// CONCATENATED MODULE: ./src/report/summary.ts


/**
 * Adds markdown to the job summary (GITHUB_STEP_SUMMARY; nothing outside a runner). A summary that cannot be written
 * is a warning: it never decides how a run ends.
 */
async function writeJobSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    try {
        await runner/* appendSummary */.fe(markdown);
    }
    catch (e) {
        runner/* warning */.$e(`The job summary could not be written: ${(0,outcome/* errorMessage */.gJ)(e)}`);
    }
}

;// CONCATENATED MODULE: ./src/github/comment.ts
/**
 * The sticky pull-request comment: one comment per pull request and cluster, found again by a hidden marker and
 * updated in place. The marker also carries what the reviewed-apply check reads back (plan fingerprint, head sha).
 *
 * This module takes a ready markdown body; rendering the plan is the report module's job.
 */

/** GitHub rejects issue comments longer than this many characters. */
const COMMENT_LIMIT = 65_536;
/** Author of comments written with the workflow's GITHUB_TOKEN. */
const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';
const MARKER_TAG = 'karpenter-action:plan';
const MARKER_PATTERN = /<!--\s*karpenter-action:plan\s([\s\S]*?)-->/;
const MARKER_PATTERN_ALL = new RegExp(MARKER_PATTERN.source, 'g');
/** Marker values: no whitespace, quotes or angle brackets, so `-->` can never appear inside one. */
const MARKER_VALUE = /^[\w.:@/+-]+$/;
const MARKER_KEYS = [
    ['cluster', 'cluster'],
    ['planId', 'plan-id'],
    ['sha', 'sha'],
    ['base', 'base'],
];
/** `<!-- karpenter-action:plan cluster=<cluster> plan-id=<hex> sha=<sha> base=<sha> -->` (absent ones left out). */
function formatMarker(data) {
    const parts = [MARKER_TAG];
    for (const [field, key] of MARKER_KEYS) {
        const value = data[field];
        if (value === undefined && field !== 'cluster')
            continue;
        if (typeof value !== 'string' || !MARKER_VALUE.test(value)) {
            throw new Error(`comment marker: ${key} must be a non-empty word without spaces or quotes, got ${JSON.stringify(value)}`);
        }
        parts.push(`${key}=${value}`);
    }
    return `<!-- ${parts.join(' ')} -->`;
}
/** The first marker in a comment body, or null when there is none (or it names no cluster). */
function parseMarker(body) {
    const match = MARKER_PATTERN.exec(body ?? '');
    if (!match)
        return null;
    const attributes = new Map();
    for (const token of match[1].trim().split(/\s+/)) {
        const eq = token.indexOf('=');
        if (eq > 0)
            attributes.set(token.slice(0, eq), token.slice(eq + 1));
    }
    const data = {};
    for (const [field, key] of MARKER_KEYS) {
        const value = attributes.get(key);
        if (value && MARKER_VALUE.test(value))
            data[field] = value;
    }
    return data.cluster ? data : null;
}
/** The body with exactly one marker, on its first line (any marker already in the body is dropped). */
function composeCommentBody(marker, body) {
    const rest = body.replace(MARKER_PATTERN_ALL, '').replace(/^\s*\n/, '');
    return `${formatMarker(marker)}\n${rest}`;
}
/**
 * Returns the body unchanged when it fits; otherwise cuts it on a line boundary, keeps the marker on the first line,
 * closes a code fence or `<details>` left open by the cut, and appends where the whole text can be read.
 * Lengths are UTF-16 code units, never fewer than GitHub's characters, so the result always fits.
 */
function fitCommentBody(body, options = {}) {
    const limit = options.limit ?? COMMENT_LIMIT;
    if (body.length <= limit)
        return body;
    const marker = MARKER_PATTERN.exec(body)?.[0];
    const head = marker ? `${marker}\n` : '';
    const rest = marker ? body.replace(marker, '').replace(/^\s*\n/, '') : body;
    const notice = truncationNotice(body.length, limit, options.runUrl);
    let budget = limit - head.length - notice.length;
    while (budget > 0) {
        const kept = cutAtLineBoundary(rest, budget);
        const result = `${head}${kept}${closeOpenBlocks(kept)}${notice}`;
        if (result.length <= limit)
            return result;
        budget -= result.length - limit;
    }
    throw new RangeError(`comment limit ${limit} is too small to hold the marker and the truncation notice`);
}
function truncationNotice(length, limit, runUrl) {
    const where = runUrl ? `the [job summary of this run](${runUrl})` : "this run's job summary and log";
    const size = `${thousands(length)} characters; GitHub allows ${thousands(limit)}`;
    return `\n\n> [!WARNING]\n> This comment was cut short (${size}). The full plan is in ${where}.\n`;
}
/**
 * 65,536: what `toLocaleString('en-US')` gives for a count, without its first call's ~25 ms of loading the number
 * formats of the ICU data.
 */
function thousands(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** The longest prefix within `budget` that ends at a line end; a hard cut only when the first line is too long. */
function cutAtLineBoundary(text, budget) {
    if (text.length <= budget)
        return text;
    const newline = text.lastIndexOf('\n', budget);
    if (newline > 0)
        return text.slice(0, newline);
    const end = isHighSurrogate(text.charCodeAt(budget - 1)) ? budget - 1 : budget;
    return text.slice(0, end);
}
function isHighSurrogate(code) {
    return code >= 0xd800 && code <= 0xdbff;
}
/** What must follow `text` to end an open code fence and every open `<details>` outside fences. */
function closeOpenBlocks(text) {
    let fence;
    let details = 0;
    for (const line of text.split('\n')) {
        if (fence) {
            if (closesFence(line, fence))
                fence = undefined;
            continue;
        }
        const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
        if (opening) {
            fence = opening[1];
            continue;
        }
        details += countMatches(line, /<details\b/gi) - countMatches(line, /<\/details\s*>/gi);
        details = Math.max(0, details);
    }
    return (fence ? `\n${fence}` : '') + '\n</details>'.repeat(details);
}
function closesFence(line, fence) {
    const match = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    return !!match && match[1][0] === fence[0] && match[1].length >= fence.length;
}
function countMatches(text, pattern) {
    return text.match(pattern)?.length ?? 0;
}
const identities = new WeakMap();
/**
 * The login whose comments the action owns. A personal access token answers GET /user; an installation token
 * (the workflow's GITHUB_TOKEN) gets 403 there and writes as `github-actions[bot]`. A GitHub App's installation
 * token also gets 403 but writes as `<app-slug>[bot]`: pass that login as `login`.
 */
async function resolveIdentity(octokit, options = {}) {
    if (options.login)
        return { login: options.login, source: 'configured' };
    const cached = identities.get(octokit);
    if (cached)
        return cached;
    const identity = await askGitHubWhoAmI(octokit);
    identities.set(octokit, identity);
    runner/* debug */.Yz(`comment author: ${identity.login} (${identity.source})`);
    return identity;
}
async function askGitHubWhoAmI(octokit) {
    try {
        const { data } = await octokit.rest.users.getAuthenticated();
        return { login: data.login, source: 'token' };
    }
    catch (err) {
        const status = statusOf(err);
        if (status === 403) {
            runner/* debug */.Yz(`GET /user answered 403 (an installation token): assuming comments are by ${GITHUB_ACTIONS_LOGIN}`);
            return { login: GITHUB_ACTIONS_LOGIN, source: 'github-actions' };
        }
        if (status === 401)
            throw new Error('GitHub rejected the token (401 Bad credentials): check the `github-token` input');
        throw err;
    }
}
/** The newest comment by the action's own identity whose marker names `cluster`, or null. */
async function findStickyComment(octokit, params) {
    const { login } = await resolveIdentity(octokit, { login: params.author });
    const comments = await listAllComments(octokit, params);
    const ours = [];
    for (const c of comments) {
        const marker = parseMarker(c.body);
        if (marker?.cluster !== params.cluster || !sameLogin(c.user?.login, login))
            continue;
        ours.push({
            id: c.id,
            url: c.html_url,
            body: c.body ?? '',
            marker,
            createdAt: c.created_at,
            updatedAt: c.updated_at,
            count: 0,
        });
    }
    runner/* debug */.Yz(`${comments.length} comment(s) on #${params.issueNumber}, ${ours.length} by ${login} for ${params.cluster}`);
    if (ours.length > 1) {
        runner/* warning */.$e(`found ${ours.length} plan comments for ${params.cluster} on #${params.issueNumber}; updating the newest`);
    }
    const newest = ours.reduce((n, c) => (n && isNewer(n, c) ? n : c), null);
    return newest && { ...newest, count: ours.length };
}
async function listAllComments(octokit, target) {
    try {
        return await octokit.paginate(octokit.rest.issues.listComments, {
            owner: target.owner,
            repo: target.repo,
            issue_number: target.issueNumber,
            per_page: 100,
        });
    }
    catch (err) {
        throw explain(err, target, 'read');
    }
}
/** Creates the sticky comment, or updates it in place; skips the update when the body is identical. */
async function upsertStickyComment(octokit, params) {
    const identity = await resolveIdentity(octokit, { login: params.author });
    const body = fitCommentBody(composeCommentBody(params.marker, params.body), {
        limit: params.limit,
        runUrl: params.runUrl,
    });
    const existing = await findStickyComment(octokit, {
        ...params,
        cluster: params.marker.cluster,
        author: identity.login,
    });
    if (existing && existing.body === body) {
        runner/* info */.pq(`Plan comment unchanged: ${existing.url}`);
        return { id: existing.id, url: existing.url, action: 'unchanged' };
    }
    if (existing) {
        const updated = await updateComment(octokit, params, existing.id, body);
        if (updated)
            return updated;
        runner/* info */.pq(`Plan comment ${existing.id} was deleted meanwhile; posting a new one`);
    }
    return createComment(octokit, params, identity, body);
}
async function updateComment(octokit, target, id, body) {
    try {
        const { data } = await octokit.rest.issues.updateComment({
            owner: target.owner,
            repo: target.repo,
            comment_id: id,
            body,
        });
        runner/* info */.pq(`Updated plan comment: ${data.html_url}`);
        return { id: data.id, url: data.html_url, action: 'updated' };
    }
    catch (err) {
        if (statusOf(err) === 404)
            return null;
        throw explain(err, target, 'write');
    }
}
async function createComment(octokit, target, identity, body) {
    try {
        const { data } = await octokit.rest.issues.createComment({
            owner: target.owner,
            repo: target.repo,
            issue_number: target.issueNumber,
            body,
        });
        runner/* info */.pq(`Posted plan comment: ${data.html_url}`);
        warnOnAuthorMismatch(data.user?.login, identity);
        return { id: data.id, url: data.html_url, action: 'created' };
    }
    catch (err) {
        throw explain(err, target, 'write');
    }
}
/** The next run would not recognise this comment as its own: say how to fix it rather than pile up comments. */
function warnOnAuthorMismatch(actual, identity) {
    if (!actual || sameLogin(actual, identity.login))
        return;
    runner/* warning */.$e(`the plan comment was posted as ${actual}, but the action looks for comments by ${identity.login}; ` +
        `set the comment author to ${actual} so the next run updates this comment instead of adding another`);
}
/** The plan fingerprint and head sha recorded in the sticky comment, or null when there is no complete one. */
async function readApprovedPlan(octokit, params) {
    const comment = await findStickyComment(octokit, { ...params, issueNumber: params.prNumber });
    if (!comment)
        return null;
    const { planId, sha, base } = comment.marker;
    if (!planId || !sha) {
        runner/* debug */.Yz(`plan comment ${comment.url} records no plan-id or sha`);
        return null;
    }
    return {
        planId,
        sha,
        ...(base ? { base } : {}),
        count: comment.count,
        commentUrl: comment.url,
        commentId: comment.id,
        updatedAt: comment.updatedAt,
        body: comment.body,
    };
}
/** The pull request's head commit and state; a clear error when it does not exist or cannot be seen. */
async function getPullRequestHead(octokit, params) {
    try {
        const { data } = await octokit.rest.pulls.get({
            owner: params.owner,
            repo: params.repo,
            pull_number: params.prNumber,
        });
        return {
            number: data.number,
            headSha: data.head.sha,
            baseSha: data.base.sha,
            ...(data.user?.login ? { author: data.user.login } : {}),
            state: data.state,
            merged: data.merged,
            mergeable: data.mergeable,
            ...(data.mergeable_state ? { mergeableState: data.mergeable_state } : {}),
            url: data.html_url,
        };
    }
    catch (err) {
        throw explain(err, { ...params, issueNumber: params.prNumber }, 'read');
    }
}
// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------
function statusOf(err) {
    const status = err?.status;
    return typeof status === 'number' ? status : undefined;
}
function gitHubSaid(err) {
    return err instanceof Error ? ` (GitHub said: ${err.message})` : '';
}
/** One clear error per cause; anything unrecognised passes through untouched. */
function explain(err, target, access) {
    const status = statusOf(err);
    const where = `${target.owner}/${target.repo}#${target.issueNumber}`;
    const rateLimited = err instanceof Error && /rate limit/i.test(err.message);
    if (status === 403 && access === 'write' && !rateLimited) {
        return new Error(`the token cannot write pull-request comments on ${where}: give the workflow ` +
            '`permissions: pull-requests: write` (and for forks, note GITHUB_TOKEN is read-only)' +
            gitHubSaid(err), { cause: err });
    }
    if (status === 404) {
        return new Error(`pull request ${where} was not found: check the pull-request number, and that the token can read ` +
            `${target.owner}/${target.repo}` +
            gitHubSaid(err), { cause: err });
    }
    if (status === 422 && access === 'write') {
        return new Error(`GitHub rejected the plan comment on ${where}${gitHubSaid(err)}`, { cause: err });
    }
    return err;
}
function sameLogin(a, b) {
    return a !== undefined && a.toLowerCase() === b.toLowerCase();
}
function isNewer(a, b) {
    return a.createdAt === b.createdAt ? a.id > b.id : a.createdAt > b.createdAt;
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/json.ts
/** JSON with object keys sorted at every level (undefined members dropped), so equal data gives equal text. */
function canonicalJson(value) {
    return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value && typeof value === 'object') {
        const out = {};
        for (const key of Object.keys(value).sort()) {
            const v = value[key];
            if (v !== undefined)
                out[key] = sortKeys(v);
        }
        return out;
    }
    return value;
}
/** Equal as data: the same canonical JSON. */
function deepEqual(a, b) {
    return canonicalJson(a) === canonicalJson(b);
}
function isPlainObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

;// CONCATENATED MODULE: ./src/github/reviewed-plan.ts
/**
 * What a reviewer saw, kept recoverable: a compact digest of the plan (resource ids, actions, field paths and a
 * short hash of each field's values) travels in a hidden block of the sticky comment. When the apply's fresh plan
 * has another fingerprint, comparing the two digests says which resources and fields differ.
 *
 * Values themselves never enter the digest; a sensitive field gets no hash either (a short hash of a low-entropy
 * secret could be guessed), so a change in its value shows only through the fingerprint.
 */




/** Upper bound of the hidden block, in characters: a small share of the 65,536 a comment may hold. */
const MAX_DIGEST_CHARS = 12_000;
const BLOCK_TAG = 'karpenter-action:reviewed-plan';
const BLOCK_PATTERN = /<!--\s*karpenter-action:reviewed-plan\s+([A-Za-z0-9_-]+)\s*-->/;
function planDigest(plan, planId) {
    return {
        v: 1,
        planId,
        cluster: plan.cluster,
        region: plan.region,
        changes: changing(plan).map(({ id, kind, name, action, fields }) => ({
            id,
            kind,
            name,
            action,
            fields: fields.map((f) => (f.sensitive ? { path: f.path } : { path: f.path, h: valueHash(f.before, f.after) })),
        })),
    };
}
function valueHash(before, after) {
    return (0,external_node_crypto_.createHash)('sha256').update(canonicalJson({ before, after })).digest('hex').slice(0, 10);
}
/**
 * The hidden block: `<!-- karpenter-action:reviewed-plan <base64url of deflated JSON> -->`. Base64url keeps `--`
 * and `>` out of the HTML comment whatever the names hold; deflate makes the repetitive JSON about five times
 * smaller. Over `maxChars`, field lists go first, then resources from the end.
 */
function formatDigestBlock(digest, maxChars = MAX_DIGEST_CHARS) {
    const encode = (d) => `<!-- ${BLOCK_TAG} ${(0,external_node_zlib_.deflateRawSync)(JSON.stringify(d), { level: 9 }).toString('base64url')} -->`;
    let block = encode(digest);
    if (block.length <= maxChars)
        return block;
    const lean = { ...digest, cut: 'fields', changes: digest.changes.map(({ fields: _, ...c }) => c) };
    block = encode(lean);
    let kept = lean.changes.length;
    while (block.length > maxChars && kept > 0) {
        kept = Math.floor(kept * 0.8);
        block = encode({ ...lean, cut: 'changes', changes: lean.changes.slice(0, kept) });
    }
    return block;
}
/** The digest in a comment body, or undefined when there is none or it cannot be read. */
function parseDigestBlock(body) {
    const match = BLOCK_PATTERN.exec(body ?? '');
    if (!match)
        return undefined;
    try {
        const data = JSON.parse((0,external_node_zlib_.inflateRawSync)(Buffer.from(match[1], 'base64url')).toString('utf8'));
        if (data?.v !== 1 || typeof data.planId !== 'string' || !Array.isArray(data.changes))
            return undefined;
        return data;
    }
    catch {
        return undefined;
    }
}
/**
 * Which resources and fields differ between the reviewed plan and the plan now. Empty when the digests agree on
 * everything they hold (a sensitive value or a cut digest can hide the difference the fingerprint caught).
 */
function comparePlans(reviewed, now) {
    const out = [];
    if (reviewed.cluster !== now.cluster || reviewed.region !== now.region) {
        out.push({
            id: '(cluster)',
            mark: '~',
            text: `the plan was for ${reviewed.cluster} in ${reviewed.region}, now for ${now.cluster} in ${now.region}`,
        });
    }
    const before = new Map(reviewed.changes.map((c) => [c.id, c]));
    const after = new Map(now.changes.map((c) => [c.id, c]));
    for (const c of now.changes) {
        const r = before.get(c.id);
        if (!r) {
            if (reviewed.cut === 'changes')
                continue;
            out.push({ id: c.id, mark: '+', text: `${describe(c)}: ${c.action} is new since the review` });
            continue;
        }
        if (r.name !== c.name || r.kind !== c.kind) {
            out.push({ id: c.id, mark: '~', text: `${describe(c)}: was ${describe(r)} in the review` });
        }
        if (r.action !== c.action) {
            out.push({ id: c.id, mark: '~', text: `${describe(c)}: reviewed as ${r.action}, now ${c.action}` });
            continue;
        }
        out.push(...compareFields(r, c));
    }
    for (const r of reviewed.changes) {
        if (!after.has(r.id))
            out.push({ id: r.id, mark: '-', text: `${describe(r)}: reviewed ${r.action} is no longer planned` });
    }
    return out;
}
function compareFields(reviewed, now) {
    if (!reviewed.fields || !now.fields)
        return [];
    const out = [];
    const before = new Map(reviewed.fields.map((f) => [f.path, f]));
    const after = new Map(now.fields.map((f) => [f.path, f]));
    const what = describe(now);
    for (const f of now.fields) {
        const r = before.get(f.path);
        if (!r)
            out.push({ id: now.id, mark: '~', text: `${what}: field ${f.path} changes now, not in the review` });
        else if (r.h !== f.h)
            out.push({ id: now.id, mark: '~', text: `${what}: field ${f.path} changes to another value` });
    }
    for (const r of reviewed.fields) {
        if (!after.has(r.path)) {
            out.push({ id: now.id, mark: '~', text: `${what}: field ${r.path} was in the review, no longer changes` });
        }
    }
    return out;
}
/** Fields whose values the digest cannot compare (sensitive ones): where an unexplained difference may hide. */
function unverifiableFields(digest) {
    return digest.changes.flatMap((c) => (c.fields ?? []).filter((f) => f.h === undefined).map((f) => `${describe(c)}: field ${f.path} (sensitive)`));
}
function describe(c) {
    return `${c.kind} ${c.name}`;
}
/** A difference as one line: its mark, then the text. */
function differenceLine(d) {
    return `${d.mark} ${d.text}`;
}

;// CONCATENATED MODULE: ./src/github/requirements.ts
/**
 * The apply requirements (`apply-requires`), checked through GitHub's REST API right before a reviewed apply:
 *
 * - `approved`: someone other than the pull request's author, and not a bot (a workflow's GITHUB_TOKEN can approve
 *   pull requests where the repository allows it), approved the pull request's current head commit (the review's
 *   `commit_id` is the head: an approval before the last push does not count) after the plan comment took its
 *   present text, and no reviewer's latest review requests changes;
 * - `mergeable`: GitHub says the pull request can be merged (`mergeable` true; asked again while it is still
 *   computing, `null`);
 * - `undiverged`: the base branch's commit is the one recorded in the plan comment when the plan was made.
 *
 * Any unmet one refuses the apply with reason `apply-requirements`, naming what is missing. Changes nothing.
 */



/** Checks every requirement; throws one ActionFailure (`apply-requirements`) listing all that are unmet. */
async function checkApplyRequirements(octokit, target, requires, context, options = {}) {
    if (requires.length === 0)
        return;
    const missing = [];
    let head = context.head;
    if (requires.includes('mergeable') && head.mergeable === null) {
        head = await waitForMergeable(octokit, target, head, options);
    }
    if (requires.includes('approved')) {
        const problem = approvalProblem(await listReviews(octokit, target), head, context.reviewed);
        if (problem)
            missing.push(`approved: ${problem}`);
    }
    if (requires.includes('mergeable') && head.mergeable !== true) {
        const state = head.mergeableState ? ` (mergeable_state: ${head.mergeableState})` : '';
        missing.push(head.mergeable === null
            ? 'mergeable: GitHub has not yet worked out whether the pull request can be merged; run the apply again in a minute'
            : `mergeable: GitHub says the pull request cannot be merged${state}; resolve its conflicts with the base branch`);
    }
    if (requires.includes('undiverged')) {
        const recorded = context.reviewed.base;
        if (!recorded) {
            missing.push('undiverged: the plan comment records no base commit (it was posted by an older version); re-run the plan ' +
                'on the pull request so that it does');
        }
        else if (recorded !== head.baseSha) {
            missing.push(`undiverged: the base branch moved since the plan: it was at ${recorded.slice(0, 7)}, it is now at ` +
                `${head.baseSha.slice(0, 7)}; update the pull request from its base branch (the plan runs again), review ` +
                'it, then apply');
        }
    }
    if (missing.length) {
        throw new outcome/* ActionFailure */.dR('apply-requirements', `Pull request #${target.prNumber} does not meet the apply requirements (apply-requires: ${requires.join(',')}):\n` +
            missing.map((m) => `  - ${m}`).join('\n') +
            '\nNothing was changed.');
    }
    runner/* info */.pq(`Pull request #${target.prNumber} meets the apply requirements: ${requires.join(', ')}`);
}
async function waitForMergeable(octokit, target, head, options) {
    const attempts = options.mergeableAttempts ?? 5;
    const delay = options.mergeableDelayMs ?? 2000;
    let now = head;
    for (let i = 0; i < attempts && now.mergeable === null; i++) {
        runner/* info */.pq('GitHub is still working out whether the pull request can be merged; asking again');
        await new Promise((r) => setTimeout(r, delay));
        now = await getPullRequestHead(octokit, target);
    }
    if (now.headSha !== head.headSha) {
        throw new outcome/* ActionFailure */.dR('plan-stale', `Pull request #${target.prNumber} got new commits while the apply checked it (head now ${now.headSha.slice(0, 7)}). Nothing was changed.`);
    }
    return now;
}
async function listReviews(octokit, target) {
    try {
        return (await octokit.paginate(octokit.rest.pulls.listReviews, {
            owner: target.owner,
            repo: target.repo,
            pull_number: target.prNumber,
            per_page: 100,
        }));
    }
    catch (err) {
        throw explain(err, { owner: target.owner, repo: target.repo, issueNumber: target.prNumber }, 'read');
    }
}
/** Why the pull request does not count as approved, or undefined when it does. */
function approvalProblem(reviews, head, reviewed) {
    // The latest review that decides (approve, request changes, dismissed) of each reviewer, oldest first.
    const latest = new Map();
    const ordered = [...reviews].sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? '') || a.id - b.id);
    for (const r of ordered) {
        if (!r.user || !['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state))
            continue;
        latest.set(r.user.login.toLowerCase(), r);
    }
    const discounted = [];
    const approvals = [];
    const blocking = [];
    for (const r of latest.values()) {
        const who = r.user.login;
        if (r.state === 'CHANGES_REQUESTED') {
            if (!(head.author && sameLogin(who, head.author)))
                blocking.push(who);
            continue;
        }
        if (r.state !== 'APPROVED')
            continue;
        if (head.author && sameLogin(who, head.author))
            discounted.push(`${who} is the pull request's author`);
        else if (r.user.type === 'Bot' || /\[bot\]$/i.test(who))
            discounted.push(`${who} is a bot`);
        else if (r.commit_id !== head.headSha) {
            discounted.push(`${who} approved commit ${(r.commit_id ?? '?').slice(0, 7)}, before the last push (head ${head.headSha.slice(0, 7)})`);
        }
        else if (!r.submitted_at || r.submitted_at < reviewed.updatedAt) {
            discounted.push(`${who} approved before the plan comment took its present text (${reviewed.updatedAt})`);
        }
        else
            approvals.push(r);
    }
    if (blocking.length)
        return `changes are requested by ${blocking.join(', ')}`;
    if (approvals.length)
        return undefined;
    const why = discounted.length ? ` (not counted: ${discounted.join('; ')})` : '';
    return (`no approval of the head commit ${head.headSha.slice(0, 7)} by someone other than its author${why}; ` +
        'a reviewer other than the author must approve the pull request after reading its plan comment');
}

;// CONCATENATED MODULE: ./src/github/visible-plan.ts
/**
 * What reviewers saw: the visible text of the plan comment. Any workflow of the repository that uses GITHUB_TOKEN
 * writes as the same bot, so the comment's hidden marker and digest prove nothing about who wrote the text around
 * them. The apply therefore renders the comment again from its fresh plan and compares the visible text, line for
 * line, with the comment's: only the hidden blocks (marker, digest) and the run's metadata line (mode, commit, plan
 * id, run link: they differ between the plan run and the apply run by design) are left out of the comparison.
 */
/** Our hidden blocks: the marker and the reviewed-plan digest. */
const HIDDEN_BLOCK = /<!--\s*karpenter-action:[a-z-]+\s[\s\S]*?-->/g;
/**
 * The metadata line renderMarkdown writes (src/report/markdown.ts metaLine), matched strictly: a line that says
 * anything more is compared like every other line.
 */
const META_LINE = /^mode `(?:plan|apply|destroy)`(?: · commit (?:\[`[0-9a-f]{7}`\]\(https?:\/\/[^\s()]+\/commit\/[0-9a-f]{40}\)|`[0-9a-f]{7}`))? · plan `[0-9a-f]+`(?: · \[workflow run\]\(https?:\/\/[^\s()]+\))?$/;
/** The notice fitCommentBody appends to a cut comment (src/github/comment.ts), its run link left out. */
const CUT_NOTICE = /^> This comment was cut short \([\d,]+ characters; GitHub allows [\d,]+\)\. The full plan is in (?:the \[job summary of this run\]\(https?:\/\/[^\s()]+\)|this run's job summary and log)\.$/;
/** The visible lines of a plan comment, without the hidden blocks and the run's metadata line. */
function visiblePlan(body) {
    const lines = body.replace(/\r\n?/g, '\n').replace(HIDDEN_BLOCK, '').split('\n');
    let metaSeen = false;
    let cut = false;
    const kept = [];
    for (const line of lines) {
        if (!metaSeen && META_LINE.test(line)) {
            metaSeen = true;
            continue;
        }
        if (CUT_NOTICE.test(line)) {
            cut = true;
            // The notice's `> [!WARNING]` line came just before it.
            if (kept[kept.length - 1] === '> [!WARNING]')
                kept.pop();
            continue;
        }
        kept.push(line);
    }
    while (kept.length && kept[0].trim() === '')
        kept.shift();
    while (kept.length && kept[kept.length - 1].trim() === '')
        kept.pop();
    return { lines: kept, cut };
}
/** Lines fitCommentBody adds after a cut to close what the cut left open. */
function isCloser(line) {
    return /^(?:`{3,}|~{3,}|<\/details>)$/.test(line.trim()) || line.trim() === '';
}
/**
 * Whether the comment shows exactly the fresh rendering: equal lines, or for a cut comment, its lines a prefix of
 * the fresh ones (the closers the cut added aside). Returns undefined when it does, else a short unified diff.
 */
function compareVisible(reviewed, fresh, maxLines = 40) {
    const a = reviewed.lines;
    const b = fresh.lines;
    if (reviewed.cut) {
        let i = 0;
        while (i < a.length && i < b.length && a[i] === b[i])
            i++;
        if (a.slice(i).every(isCloser))
            return undefined;
    }
    else if (a.length === b.length && a.every((l, i) => l === b[i]))
        return undefined;
    return unifiedDiff(a, b, maxLines);
}
/**
 * A unified diff of two line lists (`-` in the comment only, `+` in the fresh plan only), with 2 lines of context
 * and `@@` hunk headers, cut to `maxLines`. Every line starts with a mark, so none can be a workflow command.
 */
function unifiedDiff(a, b, maxLines = 40, context = 2) {
    const ops = diffOps(a, b);
    const out = [];
    let i = 0;
    while (i < ops.length) {
        if (ops[i].mark === ' ') {
            i++;
            continue;
        }
        const start = Math.max(0, i - context);
        let end = i;
        // Extend the hunk over changes closer than twice the context.
        for (let j = i; j < ops.length; j++) {
            if (ops[j].mark !== ' ')
                end = j;
            else if (j - end > context * 2)
                break;
        }
        const stop = Math.min(ops.length, end + context + 1);
        const first = ops[start];
        out.push(`@@ -${first.a + 1} +${first.b + 1} @@`);
        for (const op of ops.slice(start, stop))
            out.push(`${op.mark}${op.text}`);
        i = stop;
    }
    if (out.length > maxLines) {
        const more = out.length - maxLines;
        return [...out.slice(0, maxLines), `... ${more} more line${more === 1 ? '' : 's'} of difference`];
    }
    return out;
}
/** The longest common subsequence of lines, as keep/remove/add operations (common prefix and suffix first). */
function diffOps(a, b) {
    let pre = 0;
    while (pre < a.length && pre < b.length && a[pre] === b[pre])
        pre++;
    let suf = 0;
    while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
        suf++;
    const x = a.slice(pre, a.length - suf);
    const y = b.slice(pre, b.length - suf);
    const ops = [];
    for (let k = 0; k < pre; k++)
        ops.push({ mark: ' ', text: a[k], a: k, b: k });
    // Past a size where a full table costs too much, the middle is shown as removed then added.
    if (x.length * y.length > 4_000_000) {
        x.forEach((t, k) => ops.push({ mark: '-', text: t, a: pre + k, b: pre }));
        y.forEach((t, k) => ops.push({ mark: '+', text: t, a: pre + x.length, b: pre + k }));
    }
    else {
        const n = x.length;
        const m = y.length;
        const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
        for (let i = n - 1; i >= 0; i--)
            for (let j = m - 1; j >= 0; j--)
                lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        let i = 0;
        let j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x[i] === y[j]) {
                ops.push({ mark: ' ', text: x[i], a: pre + i, b: pre + j });
                i++;
                j++;
            }
            else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.push({ mark: '-', text: x[i], a: pre + i, b: pre + j });
                i++;
            }
            else {
                ops.push({ mark: '+', text: y[j], a: pre + i, b: pre + j });
                j++;
            }
        }
    }
    for (let k = 0; k < suf; k++) {
        const ai = a.length - suf + k;
        const bi = b.length - suf + k;
        ops.push({ mark: ' ', text: a[ai], a: ai, b: bi });
    }
    return ops;
}

;// CONCATENATED MODULE: ./src/github/pr.ts
/**
 * The pull-request side of a run: whether to comment, the comment itself (composed exactly as posted), posting it,
 * and the reviewed-apply check that refuses to apply anything but the plan reviewers saw.
 */











/** Set to a file path, the action writes the comment body there, exactly as it would post it (posted or not). */
const COMMENT_FILE_ENV = 'KARPENTER_ACTION_COMMENT_FILE';
class PlanChangedError extends outcome/* ActionFailure */.dR {
    differences;
    markdown;
    constructor(message, differences, markdown) {
        super('plan-changed', message);
        this.differences = differences;
        this.markdown = markdown;
        this.name = 'PlanChangedError';
    }
}
/** How many differences the error message lists; the job summary lists them all. */
const MAX_LISTED_DIFFERENCES = 15;
class PullRequestFlow {
    event;
    options;
    decision;
    client;
    /** The reviewed head commit, once the reviewed-apply check confirmed it: the apply's comment keeps it. */
    reviewedSha;
    /** The base commit the comment records: the event's, the reviewed comment's, or asked of GitHub. */
    baseSha;
    constructor(event, options) {
        this.event = event;
        this.options = options;
        this.decision = decideComment(options.comment, event);
        this.baseSha = event.baseSha;
    }
    static fromInputs(options, env = process.env) {
        const flow = new PullRequestFlow(readEventContext(env, options.prNumber), {
            ...options,
            commentFile: options.commentFile ?? (env[COMMENT_FILE_ENV] || undefined),
        });
        runner/* info */.pq(`Pull-request comment: ${flow.decision.post ? 'yes' : 'no'} (${flow.decision.why})`);
        // A comment that is required but impossible fails the run before anything is planned or changed.
        if (flow.decision.required && !flow.decision.post) {
            throw new outcome/* ActionFailure */.dR('comment', `No pull request to comment on: ${flow.decision.why}.`);
        }
        return flow;
    }
    /** The comment body exactly as it is posted: marker, reviewed-plan digest, the plan, cut to GitHub's limit. */
    composeComment(plan, planId, results) {
        const sha = this.reviewedSha ?? this.event.headSha;
        return fitCommentBody(this.unfittedComment(plan, planId, sha, results), { runUrl: this.event.runUrl });
    }
    /** The whole comment before it is fitted to GitHub's limit. */
    unfittedComment(plan, planId, sha, results) {
        const marker = { cluster: plan.cluster, planId, ...(sha ? { sha } : {}), ...this.baseField() };
        const view = renderMarkdown(plan, {
            planId,
            commit: sha,
            repoUrl: this.event.repoUrl,
            runUrl: this.event.runUrl,
            results,
            target: 'comment',
            prNumber: this.event.prNumber,
        });
        const body = `${formatDigestBlock(planDigest(plan, planId))}\n${view}`;
        return composeCommentBody(marker, body);
    }
    /**
     * Writes the comment file when asked, then posts or updates the sticky comment when the decision says so.
     * Returns the comment's URL (also the `comment-url` output), or undefined when nothing was posted.
     */
    async publish(plan, planId, results) {
        if (this.decision.post && !this.baseSha)
            await this.learnBase();
        // Composed once, and only when it is posted or written to a file (a 50-pool plan's takes ~40 ms).
        let composed;
        const body = () => (composed ??= this.composeComment(plan, planId, results));
        if (this.options.commentFile) {
            (0,external_node_fs_.writeFileSync)(this.options.commentFile, body());
            runner/* info */.pq(`Comment body written to ${this.options.commentFile} (${body().length} characters)`);
        }
        if (!this.decision.post) {
            if (this.decision.required)
                throw new outcome/* ActionFailure */.dR('comment', `No comment posted: ${this.decision.why}.`);
            return undefined;
        }
        try {
            const result = await upsertStickyComment(await this.octokit(), {
                owner: this.event.owner,
                repo: this.event.repo,
                issueNumber: this.event.prNumber,
                marker: { cluster: plan.cluster, planId, ...this.shaField(), ...this.baseField() },
                body: body(),
                runUrl: this.event.runUrl,
                author: this.options.author,
            });
            runner/* setOutput */.uH('comment-url', result.url);
            return result.url;
        }
        catch (e) {
            const message = `The plan comment could not be posted: ${(0,outcome/* errorMessage */.gJ)(e)}`;
            if (this.decision.required)
                throw new outcome/* ActionFailure */.dR('comment', message, { cause: e });
            runner/* warning */.$e(`${message}. This pull request comes from a fork, whose GITHUB_TOKEN GitHub makes read-only; ` +
                'the whole plan is in the job summary.');
            return undefined;
        }
    }
    /**
     * After an apply or destroy: the result goes into the same comment. The cluster has already changed and the job
     * summary holds the result, so a comment that cannot be posted is a warning here, never the run's failure.
     */
    async publishResult(plan, planId, results) {
        try {
            return await this.publish(plan, planId, results);
        }
        catch (e) {
            runner/* warning */.$e(`${(0,outcome/* errorMessage */.gJ)(e)} The result of the ${plan.mode} is in the job summary.`);
            return undefined;
        }
    }
    /**
     * The reviewed-apply check, for an apply given `pr-number`: the pull request's plan comment must exist, be for
     * the pull request's current head, and carry the fingerprint of the plan just made. Throws an ActionFailure
     * (`no-reviewed-plan`, `plan-stale` or `plan-changed`) naming the cause and the fix; changes nothing.
     */
    async checkReviewedPlan(plan, planId) {
        const prNumber = this.event.prNumber;
        if (prNumber === undefined)
            throw new Error('checkReviewedPlan needs a pull request number (`pr-number`)');
        if (!hasChanges(plan)) {
            runner/* info */.pq(`The plan changes nothing, so there is nothing to check against pull request #${prNumber}.`);
            return { status: 'nothing-to-do' };
        }
        const where = { owner: this.event.owner, repo: this.event.repo, prNumber };
        const octokit = await this.octokit();
        const [head, approved] = await Promise.all([
            getPullRequestHead(octokit, where),
            readApprovedPlan(octokit, { ...where, cluster: plan.cluster, author: this.options.author }),
        ]);
        if (!approved) {
            throw new outcome/* ActionFailure */.dR('no-reviewed-plan', `Pull request #${prNumber} has no plan comment for cluster ${plan.cluster}, so there is no reviewed plan to ` +
                'apply. Let the plan workflow run on the pull request (it posts the comment this check reads), review the ' +
                'plan, then run the apply again. Nothing was changed.');
        }
        if (approved.sha !== head.headSha) {
            throw new outcome/* ActionFailure */.dR('plan-stale', `Pull request #${prNumber} has new commits since its plan was reviewed: the plan comment (${approved.commentUrl}) ` +
                `is for commit ${approved.sha.slice(0, 7)}, the pull request's head is now ${head.headSha.slice(0, 7)}. ` +
                'Let the plan workflow update the comment for the new head, review it, then run the apply again. ' +
                'Nothing was changed.');
        }
        if (head.state === 'closed' && !head.merged) {
            runner/* warning */.$e(`Pull request #${prNumber} is closed without being merged; applying its reviewed plan anyway.`);
        }
        if (approved.count > 1) {
            throw new outcome/* ActionFailure */.dR('plan-changed', `Pull request #${prNumber} has ${approved.count} plan comments for cluster ${plan.cluster} by the action's ` +
                'identity, but the action keeps exactly one: the others were added by something else (every workflow ' +
                'using GITHUB_TOKEN writes as the same bot), so which plan was reviewed cannot be told. Delete the plan ' +
                'comments, re-run the plan on the pull request, review it, then run the apply again. Nothing was changed.');
        }
        // What reviewers read is the comment's visible text: it must be exactly the rendering of the plan now.
        const diff = compareVisible(visiblePlan(approved.body), visiblePlan(this.reviewRendering(plan, planId, approved)));
        if (approved.planId !== planId || diff) {
            const refusal = planChanged(plan, planId, approved, prNumber, diff);
            await writeJobSummary(refusal.markdown);
            throw refusal;
        }
        await checkApplyRequirements(octokit, where, this.options.applyRequires ?? [], { head, reviewed: approved }, this.options.requirementOptions);
        this.reviewedSha = approved.sha;
        if (approved.base)
            this.baseSha = approved.base;
        runner/* info */.pq(`The plan matches the plan reviewed on pull request #${prNumber}: ${planId} (${approved.commentUrl})`);
        return { status: 'matches', approved, head };
    }
    /** The comment as the plan run on the pull request would have written it for this plan. */
    reviewRendering(plan, planId, approved) {
        return this.unfittedComment({ ...plan, mode: 'plan' }, planId, approved.sha);
    }
    /** The base commit, asked of GitHub when the event does not carry it (a plan from workflow_dispatch). */
    async learnBase() {
        const prNumber = this.event.prNumber;
        if (prNumber === undefined || !this.event.owner || !this.event.repo)
            return;
        try {
            const head = await getPullRequestHead(await this.octokit(), {
                owner: this.event.owner,
                repo: this.event.repo,
                prNumber,
            });
            this.baseSha = head.baseSha;
        }
        catch (e) {
            runner/* warning */.$e(`The base commit of pull request #${prNumber} could not be read: ${(0,outcome/* errorMessage */.gJ)(e)}`);
        }
    }
    baseField() {
        return this.baseSha ? { base: this.baseSha } : {};
    }
    shaField() {
        const sha = this.reviewedSha ?? this.event.headSha;
        return sha ? { sha } : {};
    }
    /** The GitHub client, made when first needed: its package (and HTTP stack) loads only for runs that talk to GitHub. */
    async octokit() {
        if (this.client)
            return this.client;
        if (!this.event.owner || !this.event.repo) {
            throw new outcome/* ActionFailure */.dR('comment', 'GITHUB_REPOSITORY is not set: the pull request cannot be found outside GitHub');
        }
        if (!this.options.githubToken) {
            throw new outcome/* ActionFailure */.dR('comment', 'No GitHub token: the `github-token` input is empty. Leave it at its default (`${{ github.token }}`) or pass ' +
                'a token that can read and write pull-request comments.');
        }
        const { getOctokit } = await __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
        this.client = getOctokit(this.options.githubToken, { baseUrl: this.event.apiUrl });
        return this.client;
    }
}
/** How many lines of the comment's text difference the error message shows; the job summary shows more. */
const MAX_LISTED_TEXT_LINES = 30;
function planChanged(plan, planId, approved, prNumber, textDiff) {
    if (approved.planId === planId && textDiff)
        return commentAltered(planId, approved, prNumber, textDiff);
    const reviewed = parseDigestBlock(approved.body);
    const now = planDigest(plan, planId);
    const usable = reviewed && reviewed.planId === approved.planId;
    const differences = usable ? comparePlans(reviewed, now) : [];
    const lines = differences.map((d) => `  ${differenceLine(d)}`);
    if (!usable)
        lines.push('  (the comment holds no readable digest of the reviewed plan, so only the fingerprints differ)');
    else if (differences.length === 0) {
        const hidden = unverifiableFields(now);
        lines.push(hidden.length
            ? `  the same resources and fields change; a sensitive value must differ, in one of: ${hidden.join('; ')}`
            : '  the same resources and fields change, but the details kept in the comment cannot tell what differs');
    }
    else if (reviewed.cut) {
        lines.push('  (the reviewed plan was large: its digest kept less detail, so the list may be incomplete)');
    }
    const listed = lines.slice(0, MAX_LISTED_DIFFERENCES);
    if (lines.length > listed.length)
        listed.push(`  ... and ${lines.length - listed.length} more in the job summary`);
    const message = `The plan changed since it was reviewed on pull request #${prNumber}: reviewed ${approved.planId} ` +
        `(${approved.commentUrl}), now ${planId}.\n${listed.join('\n')}\n` +
        'Nothing was changed. Run the plan on the pull request again (re-run its workflow, or push), review the new ' +
        'plan, then run the apply again.';
    const markdown = [
        '### Apply refused: the plan changed since it was reviewed',
        '',
        `Reviewed plan \`${approved.planId}\` ([comment](${approved.commentUrl})) · plan now \`${planId}\``,
        '',
        '```diff',
        ...lines.map((l) => l.trim()),
        '```',
        '',
        ...(textDiff ? textDiffDetails(textDiff) : []),
        'Nothing was changed. Run the plan on the pull request again, review it, then run the apply again.',
        '',
    ].join('\n');
    return new PlanChangedError(message, differences, markdown);
}
/** The comment's text against the plan now's, folded away in the job summary. */
function textDiffDetails(diff) {
    const fence = pr_fenceFor(diff);
    return [
        '<details><summary>The comment against the plan now (<code>-</code> the comment, <code>+</code> now)</summary>',
        '',
        `${fence}diff`,
        ...diff,
        fence,
        '',
        '</details>',
        '',
    ];
}
/** A code fence longer than any run of backticks in the lines. */
function pr_fenceFor(lines) {
    const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))));
    return '`'.repeat(Math.max(3, longest + 1));
}
/**
 * The fingerprint agrees but the comment's visible text is not the rendering of this plan: the comment was
 * edited, or a newer one forged, by something writing as the action. Reviewers read that text, not the marker.
 */
function commentAltered(planId, approved, prNumber, diff) {
    const shown = diff.slice(0, MAX_LISTED_TEXT_LINES);
    if (diff.length > shown.length)
        shown.push(`... ${diff.length - shown.length} more lines in the job summary`);
    const message = `The plan comment on pull request #${prNumber} (${approved.commentUrl}) does not show the plan being applied: ` +
        `its marker names plan ${planId}, but its visible text differs from that plan's rendering, so reviewers read ` +
        `something else (the comment was edited, or written by another workflow using the same token). ` +
        `Difference (- the comment, + the plan now):\n${shown.map((l) => `  ${l}`).join('\n')}\n` +
        'Nothing was changed. Re-run the plan on the pull request (it rewrites the comment), review it, then run the ' +
        'apply again.';
    const fence = pr_fenceFor(diff);
    const markdown = [
        '### Apply refused: the plan comment does not show this plan',
        '',
        `The comment ([link](${approved.commentUrl})) carries the marker of plan \`${planId}\`, but its visible text ` +
            'is not the rendering of that plan. Difference (`-` the comment, `+` the plan now):',
        '',
        `${fence}diff`,
        ...diff,
        fence,
        '',
        'Nothing was changed. Re-run the plan on the pull request, review it, then run the apply again.',
        '',
    ].join('\n');
    return new PlanChangedError(message, [], markdown);
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./src/kube/client.ts + 2 modules
var client = __webpack_require__(1089);
// EXTERNAL MODULE: ./node_modules/js-yaml/dist/js-yaml.mjs
var js_yaml = __webpack_require__(3243);
;// CONCATENATED MODULE: ./src/kube/objects.ts




/** `Deployment karpenter/karpenter`, `NodePool default`: how the plan names an object. */
function objectKey(o) {
    const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
    return `${o.kind} ${ns}${o.metadata.name}`;
}
/**
 * The objects of a YAML stream (a Helm manifest, a user's file): empty documents skipped, `List`s expanded.
 * `source` names the text in errors.
 */
function parseObjects(text, source) {
    const out = [];
    (0,dist/* parseAllDocuments */.hR)(text).forEach((doc, i) => {
        if (doc.errors.length)
            throw new Error(`${source}: document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}`);
        collect(doc.toJS(), `${source}: document ${i + 1}`, out);
    });
    return out;
}
/** The most nodes a rendered manifest may expand to through YAML aliases, per character of its text (and at least). */
const ALIAS_EXPANSION = { perChar: 2, least: 100_000 };
/**
 * The objects of what helm printed or stored (`helm template` output, a release's manifest), as parseObjects()
 * gives them, read with js-yaml's core schema (YAML 1.2, as parseObjects reads): several times faster on the
 * large manifests a plan reads, and with no line positions, which helm's output never needs. A chart is
 * untrusted, so a manifest whose aliases would expand past ALIAS_EXPANSION is refused (js-yaml shares an
 * aliased node instead of copying it; everything after it would walk every copy).
 */
function parseRendered(text, source) {
    let docs;
    try {
        docs = (0,js_yaml/* loadAll */.gh)(text, undefined, { schema: js_yaml/* CORE_SCHEMA */.OU });
    }
    catch (e) {
        const reason = e instanceof js_yaml/* YAMLException */.tB ? `${e.reason}${e.mark ? ` (line ${e.mark.line + 1})` : ''}` : String(e);
        throw new Error(`${source}: ${reason}`);
    }
    const bound = Math.max(ALIAS_EXPANSION.least, ALIAS_EXPANSION.perChar * text.length);
    const out = [];
    docs.forEach((value, i) => {
        if (expandedSize(value, new Map(), bound) > bound) {
            throw new Error(`${source}: document ${i + 1}: its YAML aliases expand to more than ${bound} nodes`);
        }
        collect(value, `${source}: document ${i + 1}`, out);
    });
    return out;
}
/** How many nodes `v` has with every alias expanded, counted once per shared node (stops past `bound`). */
function expandedSize(v, seen, bound) {
    if (v === null || typeof v !== 'object')
        return 1;
    const known = seen.get(v);
    if (known !== undefined)
        return known;
    seen.set(v, bound + 1); // a cycle (a recursive alias) counts as too large
    let n = 1;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
        n += expandedSize(child, seen, bound);
        if (n > bound)
            break;
    }
    seen.set(v, n);
    return n;
}
/** One parsed document: nothing (empty), one object, or a `List`'s items. */
function collect(value, where, out) {
    if (value === null || value === undefined)
        return;
    if (typeof value !== 'object' || Array.isArray(value)) {
        throw new Error(`${where} is not a Kubernetes object (a mapping with apiVersion and kind)`);
    }
    const o = value;
    if (o.kind === 'List' && Array.isArray(o.items)) {
        for (const item of o.items)
            out.push(checkObject(item, where));
    }
    else
        out.push(checkObject(o, where));
}
function checkObject(value, where) {
    const o = value;
    if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
        throw new Error(`${where}: not a Kubernetes object: apiVersion and kind are required`);
    }
    if (!o.metadata || typeof o.metadata.name !== 'string' || !o.metadata.name) {
        throw new Error(`${where}: ${o.kind} has no metadata.name`);
    }
    return o;
}
/** Objects that Helm keeps out of the release manifest (hooks, tests). */
function isHelmHook(o) {
    return Boolean(o.metadata.annotations?.['helm.sh/hook']);
}
/** True when every leaf of `want` is present with the same value in `have` (defaults added by the server are fine). */
function isSubset(want, have) {
    if (isPlainObject(want)) {
        if (!isPlainObject(have))
            return false;
        return Object.entries(want).every(([k, v]) => v === undefined || isSubset(v, have[k]));
    }
    if (Array.isArray(want)) {
        return Array.isArray(have) && want.length === have.length && want.every((v, i) => isSubset(v, have[i]));
    }
    return deepEqual(want, have);
}
/** A short digest that shows a secret value changed without showing it. */
function digest(value) {
    return `sha256:${(0,external_node_crypto_.createHash)('sha256').update(canonicalJson(value)).digest('hex').slice(0, 12)}`;
}
/** A copy of the object with Secret data replaced by digests (for plans, logs and comments). */
function redact(o) {
    if (o.kind !== 'Secret' || o.apiVersion !== 'v1')
        return o;
    const copy = { ...o };
    for (const key of ['data', 'stringData']) {
        const data = o[key];
        if (isPlainObject(data)) {
            copy[key] = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, digest(v)]));
        }
    }
    return copy;
}
/** Parses a Go duration (`10m`, `1h30m`, `45s`, `500ms`) to milliseconds. */
function durationMs(text) {
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let total = 0;
    let rest = text.trim();
    if (!rest)
        throw new Error('empty duration');
    while (rest) {
        const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
        if (!m)
            throw new Error(`"${text}" is not a duration like 10m or 90s`);
        total += Number(m[1]) * units[m[2]];
        rest = rest.slice(m[0].length);
    }
    return total;
}

;// CONCATENATED MODULE: ./src/kube/rollout.ts
/**
 * Whether a release's workloads have rolled out, looked at through the API every ROLLOUT_POLL_MS. This is what
 * `helm --wait` waited for, seen sooner: helm looks every 2 s, and a fresh Deployment is never ready at its first
 * look, so each install or upgrade paid about 2 s of waiting after its pods were ready.
 *
 * Ready as `kubectl rollout status` has it: the controller has seen the latest spec (observedGeneration), every
 * desired replica runs the new template and is available, and no replica of an older one is left (Deployments);
 * every replica updated and ready (StatefulSets); every scheduled pod updated and available (DaemonSets). A
 * Deployment past its progress deadline fails at once.
 */
/** Time between two looks at the workloads. */
const ROLLOUT_POLL_MS = 100;
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Where one workload stands: ready, failed for good (why), or still rolling out (what it shows now). */
function workloadState(o) {
    const st = (o.status ?? {});
    const generation = Number(o.metadata.generation ?? 0);
    const seen = (st.observedGeneration ?? 0) >= generation;
    if (o.kind === 'DaemonSet') {
        const want = st.desiredNumberScheduled ?? 0;
        const shows = `${st.numberAvailable ?? 0}/${want} pods available, ${st.updatedNumberScheduled ?? 0} updated`;
        return { ready: seen && (st.updatedNumberScheduled ?? 0) >= want && (st.numberAvailable ?? 0) >= want, shows };
    }
    const want = Number(o.spec?.replicas ?? 1);
    if (o.kind === 'StatefulSet') {
        const shows = `${st.readyReplicas ?? 0}/${want} replicas ready, ${st.updatedReplicas ?? 0} updated`;
        return { ready: seen && (st.updatedReplicas ?? 0) >= want && (st.readyReplicas ?? 0) >= want, shows };
    }
    const updated = st.updatedReplicas ?? 0;
    const shows = `${st.availableReplicas ?? 0}/${want} replicas available, ${updated} updated, ${st.replicas ?? 0} in all`;
    const stuck = st.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    if (seen && stuck)
        return { ready: false, failed: stuck.message ?? 'its progress deadline was exceeded', shows };
    return {
        ready: seen && updated >= want && (st.replicas ?? 0) <= updated && (st.availableReplicas ?? 0) >= want,
        shows,
    };
}
/** The release's workloads did not roll out: `timedOut` when the bound ran out (else one failed for good). */
class RolloutError extends Error {
    timedOut;
    constructor(message, timedOut) {
        super(message);
        this.timedOut = timedOut;
        this.name = 'RolloutError';
    }
}
/**
 * Waits until every Deployment, StatefulSet and DaemonSet of `objects` (a release's manifest; objects without a
 * namespace are in `namespace`) has rolled out, or throws a RolloutError naming those that have not, past
 * `deadline` (epoch ms) or as soon as one fails for good.
 */
async function waitForRollout(kube, objects, namespace, deadline, sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
    let pending = objects
        .filter((o) => o.apiVersion === 'apps/v1' && WORKLOADS.has(o.kind))
        .map((o) => ({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? namespace,
    }));
    for (;;) {
        const seen = await Promise.all(pending.map((ref) => kube.get(ref)));
        const notReady = [];
        const still = [];
        for (const [i, ref] of pending.entries()) {
            const live = seen[i];
            const what = `${ref.kind} ${ref.namespace}/${ref.name}`;
            if (!live) {
                notReady.push(`${what} does not exist`);
                still.push(ref);
                continue;
            }
            const state = workloadState(live);
            if (state.failed)
                throw new RolloutError(`${what} failed: ${state.failed} (${state.shows})`, false);
            if (!state.ready) {
                notReady.push(`${what}: ${state.shows}`);
                still.push(ref);
            }
        }
        pending = still;
        if (!pending.length)
            return;
        if (Date.now() >= deadline)
            throw new RolloutError(`not rolled out: ${notReady.join('; ')}`, true);
        await sleep(Math.min(ROLLOUT_POLL_MS, Math.max(0, deadline - Date.now())));
    }
}

;// CONCATENATED MODULE: ./src/kube/helm.ts











/**
 * Decodes a release Secret (`sh.helm.release.v1.<name>.v<N>`): its `data.release` is base64 (the Secret's
 * own encoding) of base64 of gzip of JSON (Helm's). Reading the Secret through the API replaces a
 * `helm get` process per release.
 */
function decodeReleaseSecret(secret) {
    const data = secret.data?.release;
    if (!data)
        throw new Error(`Secret ${secret.metadata.name} holds no Helm release`);
    const helmEncoded = Buffer.from(data, 'base64').toString('utf8');
    let bytes = Buffer.from(helmEncoded, 'base64');
    if (bytes[0] === 0x1f && bytes[1] === 0x8b)
        bytes = (0,external_node_zlib_.gunzipSync)(bytes);
    const r = JSON.parse(bytes.toString('utf8'));
    const templates = {};
    for (const t of r.chart?.templates ?? [])
        templates[t.name] = Buffer.from(t.data, 'base64').toString('utf8');
    return {
        name: r.name,
        namespace: r.namespace,
        revision: r.version,
        ...(secret.metadata.resourceVersion ? { resourceVersion: String(secret.metadata.resourceVersion) } : {}),
        status: r.info?.status ?? 'unknown',
        chart: {
            name: r.chart?.metadata?.name ?? '',
            version: r.chart?.metadata?.version ?? '',
            appVersion: r.chart?.metadata?.appVersion,
        },
        values: r.config ?? {},
        manifest: r.manifest ?? '',
        chartTemplates: templates,
        chartValues: r.chart?.values ?? {},
    };
}
/** The latest revision of a release, or undefined when Helm has no record of it. Two requests, no process. */
async function readRelease(kube, namespace, name) {
    const latest = await latestRevision(kube, namespace, name);
    if (!latest)
        return undefined;
    const secret = await kube.getPath(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${latest.secret}`);
    return secret ? decodeReleaseSecret(secret) : undefined;
}
/** The latest revision's number and Secret (name, resourceVersion) by one request of metadata only. */
async function latestRevision(kube, namespace, name) {
    const list = await kube.getPath(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`, {
        query: { labelSelector: `owner=helm,name=${name}` },
        // Only names and labels: the revisions' payloads are large, and only the latest is needed.
        accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    });
    return (list?.items ?? [])
        .map((s) => ({
        revision: Number(s.metadata.labels?.version ?? NaN),
        secret: s.metadata.name,
        resourceVersion: s.metadata.resourceVersion,
    }))
        .filter((s) => Number.isFinite(s.revision))
        .sort((a, b) => b.revision - a.revision)[0];
}
function chartSource(ref, version, key, cwd = process.cwd()) {
    if (/^oci:\/\//.test(ref))
        return { ref, local: false, version, key };
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
        throw new outcome/* ActionFailure */.dR('config', `${key}: "${ref}" is neither an oci:// reference nor a folder. Fix: use oci://... or a chart folder.`);
    }
    return { ref: (0,external_node_path_.isAbsolute)(ref) ? ref : (0,external_node_path_.resolve)(cwd, ref), local: true, key };
}
/** The chart a source will give, known without helm: Chart.yaml of a folder, the name and version asked for otherwise. */
function chartMetadata(src) {
    if (!src.local)
        return { name: src.ref.replace(/\/+$/, '').split('/').pop() ?? src.ref, version: src.version ?? '' };
    const file = (0,external_node_path_.join)(src.ref, 'Chart.yaml');
    if (!(0,external_node_fs_.existsSync)(file)) {
        throw new outcome/* ActionFailure */.dR('config', `${src.key}: ${src.ref} is not a chart folder (no Chart.yaml). Fix: point ${src.key} at the folder holding Chart.yaml, or at an oci:// reference.`);
    }
    const meta = (0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(file, 'utf8'));
    return { name: String(meta.name ?? ''), version: String(meta.version ?? ''), appVersion: meta.appVersion };
}
/**
 * True when a chart folder holds exactly the templates and values.yaml stored with the release: then the
 * rendered manifest cannot differ (given equal values) and no `helm template` is needed. Folders with
 * sub-charts are never assumed equal.
 */
function localChartMatches(src, release) {
    if (!src.local)
        return false;
    if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(src.ref, 'charts')) && (0,external_node_fs_.readdirSync)((0,external_node_path_.join)(src.ref, 'charts')).length > 0)
        return false;
    const templatesDir = (0,external_node_path_.join)(src.ref, 'templates');
    const files = {};
    const walk = (dir) => {
        for (const entry of (0,external_node_fs_.readdirSync)(dir)) {
            const full = (0,external_node_path_.join)(dir, entry);
            if ((0,external_node_fs_.statSync)(full).isDirectory())
                walk(full);
            else
                files[(0,external_node_path_.relative)(src.ref, full).split('\\').join('/')] = (0,external_node_fs_.readFileSync)(full, 'utf8');
        }
    };
    if ((0,external_node_fs_.existsSync)(templatesDir))
        walk(templatesDir);
    if (!deepEqual(files, release.chartTemplates))
        return false;
    const valuesFile = (0,external_node_path_.join)(src.ref, 'values.yaml');
    const values = (0,external_node_fs_.existsSync)(valuesFile) ? ((0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(valuesFile, 'utf8')) ?? {}) : {};
    return deepEqual(values, release.chartValues);
}
/** `helm template`: the objects an install or upgrade would apply (hooks and tests left out, as in a release manifest). */
async function renderChart(kube, src, opts) {
    const args = ['template', opts.release, src.ref, '--namespace', opts.namespace, '--values', '-', '--skip-tests'];
    if (!src.local && src.version)
        args.push('--version', src.version);
    if (opts.kubeVersion)
        args.push('--kube-version', opts.kubeVersion);
    if (opts.apiVersions?.length)
        args.push('--api-versions', opts.apiVersions.join(','));
    const out = await kube.helm(args, { input: JSON.stringify(opts.values) }).catch((e) => {
        throw (chartError(src, helmMessage(e)) ?? new Error(`${src.key}: helm could not render ${src.ref}: ${helmMessage(e)}`));
    });
    const all = parseRendered(out.stdout, `helm template ${src.ref}`);
    const objects = all.filter((o) => !isHelmHook(o));
    if (objects.length !== all.length)
        withHooks.add(objects);
    return objects;
}
/** Renderings that left hooks out: checkRendering() does not see those, so helm keeps checking them itself. */
const withHooks = new WeakSet();
/** True when the chart rendered hooks besides these objects. */
function renderedHooks(objects) {
    return withHooks.has(objects);
}
/**
 * The planned rendering of a chart, dry-run by the API server (server-side apply with Strict field validation, all
 * at once) before helm installs it: unknown or duplicate fields, wrong types, CEL rules and admission refuse it here,
 * before helm records a revision, every refusal in one error. Objects without a namespace get the release's, as helm
 * gives them. helm's own client-side check of the same objects (it downloads and parses the server's OpenAPI
 * documents: ~150 ms per install) is then turned off with `--disable-openapi-validation` (UpgradeOptions.checked).
 */
async function checkRendering(kube, objects, namespace, what) {
    const refused = [];
    await Promise.all(objects.map(async (o) => {
        const served = await kube.resource(o.apiVersion, o.kind);
        if (!served) {
            refused.push(`${objectKey(o)}: ${o.kind} (${o.apiVersion}) is not served by this cluster`);
            return;
        }
        const obj = served.namespaced && !o.metadata.namespace ? { ...o, metadata: { ...o.metadata, namespace } } : o;
        try {
            await kube.dryRunApply(obj);
        }
        catch (e) {
            if (!(0,client/* isRefusal */.vu)(e) && !(e instanceof client/* KubeApiError */.W3 && (e.status === 404 || e.status === 409)))
                throw e;
            refused.push(`${objectKey(obj)}: ${e.apiMessage}`);
        }
    }));
    if (refused.length) {
        throw new Error(`${what}: the API server refused the chart's objects in a dry run, so helm was not run and nothing of it was installed:\n` +
            refused
                .sort()
                .map((r) => `  - ${r}`)
                .join('\n') +
            '\nFix: correct the values (karpenter.values) or the chart that render these objects.');
    }
}
/** The config key that holds the chart's version. */
const VERSION_KEY = 'karpenter.version';
/**
 * What helm's failure to fetch an OCI chart means, as an error of reason `chart` naming the config keys and the fix:
 * the chart or its version is not in the registry, the registry cannot be reached or is not trusted, or it refuses
 * the pull. Undefined for anything else (a chart that fetched but does not render).
 */
function chartError(src, helm) {
    if (src.local)
        return undefined;
    const version = src.version ? ` ${src.version}` : '';
    const where = `${src.key} (${src.ref}${src.version ? `, ${VERSION_KEY} ${src.version}` : ''})`;
    const cause = helm.replace(/^failed to perform "FetchReference" on source:\s*/, '');
    if (/: not found$|manifest unknown|name unknown|not found: .*manifest/i.test(helm)) {
        return new outcome/* ActionFailure */.dR('chart', `${where}: the registry has no chart version${version} (${cause}). ` +
            `Fix: set ${VERSION_KEY} to a version the registry serves, or point ${src.key} at a registry that has it ` +
            `(\`helm show chart ${src.ref} --version <version>\` tells). Nothing was changed.`);
    }
    if (/unauthorized|denied|forbidden|401|403/i.test(helm)) {
        return new outcome/* ActionFailure */.dR('chart', `${where}: the registry refused the pull (${cause}). ` +
            `Fix: make the chart public, or log the runner in first (\`helm registry login\`). Nothing was changed.`);
    }
    if (/dial tcp|connection refused|no such host|i\/o timeout|network is unreachable|TLS handshake|x509|tls:|EOF$/i.test(helm)) {
        return new outcome/* ActionFailure */.dR('chart', `${where}: the registry cannot be reached (${cause}). ` +
            `Fix: check the registry address in ${src.key}, and that the runner reaches it (network, proxy, a CA it trusts). Nothing was changed.`);
    }
    return undefined;
}
/**
 * `helm upgrade --install`, then what `--wait --atomic` would do, sooner: the release's Deployments, StatefulSets
 * and DaemonSets are waited for through the API (src/kube/rollout.ts: every 100 ms, where helm looks every 2 s),
 * bounded by `timeout` from the start; when helm fails after recording a new revision, or the workloads do not roll
 * out, the release goes back to the revision that ran before (`helm rollback --wait`), or, when there was none, the
 * new one is uninstalled. Either way what ran before still runs.
 */
async function upgradeRelease(kube, src, opts) {
    const own = opts.wait !== false;
    const deadline = Date.now() + durationMs(opts.timeout);
    const before = own ? await latestRevision(kube, opts.namespace, opts.release) : undefined;
    const args = ['upgrade', '--install', opts.release, src.ref, '--namespace', opts.namespace, '--values', '-'];
    args.push('--timeout', opts.timeout, '--history-max', '10');
    if (opts.skipCrds)
        args.push('--skip-crds');
    if (opts.checked)
        args.push('--disable-openapi-validation');
    if (!src.local && src.version)
        args.push('--version', src.version);
    let helmDone = false;
    try {
        await kube.helm(args, { input: JSON.stringify(opts.values) });
        helmDone = true;
        if (own) {
            const release = await readRelease(kube, opts.namespace, opts.release);
            if (release && opts.checked)
                beyondChecked(release, opts.checked);
            await waitForRollout(kube, release ? releaseObjects(release) : [], opts.namespace, deadline);
        }
    }
    catch (e) {
        const msg = e instanceof RolloutError ? e.message : helmMessage(e);
        const chart = helmDone ? undefined : chartError(src, msg);
        if (chart)
            throw chart;
        const hints = [];
        if (own) {
            const undone = await undo(kube, opts, before);
            if (undone)
                hints.push(undone);
        }
        const timedOut = e instanceof RolloutError ? e.timedOut : /context deadline exceeded|timed out/i.test(msg);
        if (timedOut) {
            hints.push(`it did not become ready within karpenter.timeout (${opts.timeout}): see \`kubectl -n ${opts.namespace} get pods,events\` for why, fix the cause (often a value in karpenter.values) or raise karpenter.timeout`);
        }
        throw new Error(`helm upgrade of ${opts.namespace}/${opts.release} failed: ${msg}${hints.length ? `. ${hints.join('; ')}` : ''}`);
    }
}
/**
 * Helm renders the chart again when it installs it, with the same values and (as the plan's rendering) the cluster's
 * version and API versions; a chart that reads the cluster (`lookup`) could still make more objects than the plan
 * showed and the dry run checked. Says so, naming them: the API server then judged them only as helm sent them.
 */
function beyondChecked(release, checked) {
    const planned = new Set(checked.map(objectKey));
    const more = releaseObjects(release)
        .map(objectKey)
        .filter((k) => !planned.has(k));
    if (more.length) {
        runner/* warning */.$e(`helm release ${release.namespace}/${release.name}: helm installed objects the plan did not show (the chart rendered differently against the cluster): ${more.join(', ')}`);
    }
}
/**
 * After a failed upgrade: back to the revision `before` (the latest before it), or, when there was none, the new
 * release uninstalled. Nothing when the failure recorded no new revision. Says what it did (or that it could not).
 */
async function undo(kube, opts, before) {
    const { namespace, release, timeout } = opts;
    const now = await latestRevision(kube, namespace, release).catch(() => undefined);
    if (!now || now.revision === before?.revision)
        return undefined;
    const args = before
        ? ['rollback', release, String(before.revision), '--namespace', namespace, '--wait', '--timeout', timeout]
        : ['uninstall', release, '--namespace', namespace, '--wait', '--timeout', timeout];
    try {
        await kube.helm(args);
    }
    catch (e) {
        return `undoing it failed too (\`helm ${args.slice(0, 3).join(' ')}\`: ${helmMessage(e)}): see \`helm history ${release} -n ${namespace}\``;
    }
    return before
        ? `the release was rolled back to revision ${before.revision}, so what ran before still runs`
        : 'the new release was uninstalled again (nothing ran before it)';
}
/** `helm uninstall --wait`; a release that is already gone is fine. */
async function uninstallRelease(kube, namespace, release, timeout) {
    const out = await kube.helm(['uninstall', release, '--namespace', namespace, '--wait', '--timeout', timeout], {
        allowFailure: true,
    });
    if (out.exitCode !== 0 && !/not found/i.test(out.stderr)) {
        throw new Error(`helm uninstall of ${namespace}/${release} failed: ${out.stderr.trim()}`);
    }
}
/** The objects of a release's manifest (hooks excluded). */
function releaseObjects(release) {
    return parseRendered(release.manifest, `release ${release.namespace}/${release.name}`).filter((o) => !isHelmHook(o));
}
const crdNameScans = new Map();
/**
 * The names of the CustomResourceDefinitions in a release manifest, by a scan of its documents' top-level `kind:`
 * and `metadata.name` lines instead of a YAML parse (a CRD chart's manifest is ~140 KB of schemas; this takes a
 * millisecond). Helm writes manifests itself (`---` between documents, `# Source:` comments, block style), which is
 * all the scan needs. Hooks are left out, as releaseObjects() does. Once per manifest per run, by digest.
 */
function manifestCrdNames(manifest) {
    const digest = (0,external_node_crypto_.createHash)('sha256').update(manifest).digest('hex');
    let names = crdNameScans.get(digest);
    if (!names) {
        names = [];
        for (const doc of manifest.split(/^---[^\S\n]*(?:\n|$)/m)) {
            if (!/^kind:[^\S\n]*["']?CustomResourceDefinition["']?[^\S\n]*$/m.test(doc))
                continue;
            const meta = /^metadata:[^\S\n]*\n((?:[ \t]+.*\n?|[^\S\n]*\n)*)/m.exec(doc)?.[1] ?? '';
            if (/^[ \t]+["']?helm\.sh\/hook["']?:/m.test(meta))
                continue;
            const indent = /^([ \t]+)\S/m.exec(meta)?.[1];
            const name = indent
                ? new RegExp(`^${indent}name:[^\\S\\n]*["']?([^"'\\s#]+)["']?`, 'm').exec(meta)?.[1]
                : undefined;
            if (name)
                names.push(name);
        }
        crdNameScans.set(digest, names);
    }
    return [...names];
}
/** helm's stderr without the `Error: ` prefix. */
function helmMessage(e) {
    const text = e.stderr?.trim() || (e instanceof Error ? e.message : String(e));
    return text.replace(/^Error:\s*/m, '').trim();
}
/** Deep merge for Helm values: objects merge key by key, anything else (lists included) is replaced. */
function mergeValues(base, over) {
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) {
        const b = out[k];
        out[k] =
            isMap(v) && isMap(b)
                ? mergeValues(b, v)
                : structuredClone(v);
    }
    return out;
}
function isMap(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// EXTERNAL MODULE: ./src/kube/types.ts
var types = __webpack_require__(6384);
;// CONCATENATED MODULE: ./src/kube/validate.ts


/** The plan-time check refused objects. `message` holds every refusal, each with the API server's own words. */
class RejectedError extends Error {
    rejections;
    constructor(rejections) {
        super(`the desired objects were rejected at plan time, before anything was applied:\n` +
            rejections
                .map((r) => `  - ${r.object}: ${r.message}${r.by === 'crd-schema' ? ' (checked against the CRD schema the apply would install)' : ''}`)
                .join('\n'));
        this.rejections = rejections;
        this.name = 'RejectedError';
    }
}
/**
 * Checks desired objects at plan time with server-side-apply dry runs, so the API server runs its own
 * defaulting, OpenAPI validation, CEL rules and admission, and its message is what the user sees.
 * Every check asked for in the same tick forms one batch: all run at once, and when any is refused,
 * every caller gets one error listing all refusals (so one plan reports every bad object, not the first).
 */
class Validator {
    kube;
    schemas;
    pending = [];
    constructor(kube, schemas) {
        this.kube = kube;
        this.schemas = schemas;
    }
    check(obj) {
        return new Promise((resolve, reject) => {
            this.pending.push({ obj, resolve, reject });
            if (this.pending.length === 1)
                setImmediate(() => void this.flush());
        });
    }
    async flush() {
        const batch = this.pending;
        this.pending = [];
        const rejections = [];
        const results = await Promise.all(batch.map(async ({ obj }) => {
            try {
                if (await this.kube.resource(obj.apiVersion, obj.kind)) {
                    return { by: 'api-server', result: await this.kube.dryRunApply(obj) };
                }
                return await this.checkLocally(obj, rejections);
            }
            catch (e) {
                if (e instanceof client/* KubeApiError */.W3 && e.status === 404 && obj.metadata.namespace) {
                    return {
                        by: 'none',
                        note: `namespace ${obj.metadata.namespace} does not exist yet: the API server checks it when it is applied`,
                    };
                }
                if ((0,client/* isRefusal */.vu)(e)) {
                    rejections.push({ object: objectKey(obj), by: 'api-server', message: e.apiMessage });
                    return undefined;
                }
                return e instanceof Error ? e : new Error(String(e));
            }
        }));
        const failure = rejections.length ? new RejectedError(rejections) : undefined;
        batch.forEach((p, i) => {
            const r = results[i];
            if (failure)
                p.reject(failure);
            else if (r instanceof Error || r === undefined)
                p.reject(r ?? new Error('no result'));
            else
                p.resolve(r);
        });
    }
    async checkLocally(obj, rejections) {
        const schema = await this.schemas?.(obj.apiVersion, obj.kind);
        if (!schema) {
            return {
                by: 'none',
                note: `${obj.kind} (${obj.apiVersion}) is not served yet and no CRD in this plan defines it: the API server checks it when it is applied`,
            };
        }
        const problems = await schemaProblems(schema, obj);
        if (problems.length) {
            rejections.push({ object: objectKey(obj), by: 'crd-schema', message: problems.join('; ') });
            return undefined;
        }
        return {
            by: 'crd-schema',
            note: 'the CRDs arrive with this apply: checked against their schema here; the API server adds its CEL rules when it is applied',
        };
    }
}
const compiled = new WeakMap();
/**
 * Problems of an object against a CRD's openAPIV3Schema (structural rules: types, patterns, enums, required,
 * sizes). CEL rules (`x-kubernetes-validations`) are the API server's alone and are not checked here.
 */
async function schemaProblems(schema, obj) {
    let validate = compiled.get(schema);
    if (!validate) {
        // Loaded only here: most plans check every object with the API server and never need it.
        // ajv is CommonJS: Node's import names its exports, a bundle's import may give only the module as `default`.
        const mod = (await __webpack_require__.e(/* import() */ 463).then(__webpack_require__.t.bind(__webpack_require__, 2463, 23)));
        const Ajv = mod.Ajv ?? mod.default?.Ajv;
        if (!Ajv)
            throw new Error('the ajv module has no Ajv export');
        const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
        validate = ajv.compile(toJsonSchema(schema));
        compiled.set(schema, validate);
    }
    if (validate(obj))
        return [];
    return (validate.errors ?? []).map(validate_describe);
}
function validate_describe(e) {
    const path = e.instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
    const p = e.params;
    const what = e.keyword === 'pattern'
        ? `must match '${String(p.pattern)}'`
        : e.keyword === 'required'
            ? `${String(p.missingProperty)} is required`
            : e.keyword === 'enum'
                ? `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
                : (e.message ?? 'is invalid');
    return `${path || '(object)'}: ${what}`;
}
/** OpenAPI v3 (as CRDs use it) to JSON Schema: `nullable` becomes a null type; Kubernetes extensions are ignored. */
function toJsonSchema(s) {
    if (Array.isArray(s))
        return s.map(toJsonSchema);
    if (!s || typeof s !== 'object')
        return s;
    const out = {};
    for (const [k, v] of Object.entries(s)) {
        if (k.startsWith('x-kubernetes-') || k === 'default' || k === 'description' || k === 'example')
            continue;
        out[k] = k === 'properties' || k === 'definitions' ? mapValues(v, toJsonSchema) : toJsonSchema(v);
    }
    if (out.nullable === true && typeof out.type === 'string')
        out.type = [out.type, 'null'];
    delete out.nullable;
    return out;
}
function mapValues(o, fn) {
    if (!o || typeof o !== 'object')
        return o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fn(v)]));
}
/** The openAPIV3Schema of `kind` in `apiVersion` from CRD objects (undefined when none defines it). */
function schemaFromCrds(crds, apiVersion, kind) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const crd of crds) {
        if (crd.kind !== 'CustomResourceDefinition')
            continue;
        const spec = crd.spec;
        if (spec?.group !== group || spec.names?.kind !== kind)
            continue;
        return spec.versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/plan/resource.ts
function resourceId(kind, name) {
    return `${kind}.${name}`;
}
/** The decision for a thing that is absent (create), unchanged (no-op), or differs (update, or replace when a field forces it). */
function decide(exists, fields, ops, note) {
    if (!exists)
        return { action: 'create', fields, ops, ...(note ? { note } : {}) };
    if (fields.length === 0)
        return { action: 'noop', fields: [], ops: [], ...(note ? { note } : {}) };
    const action = fields.some((f) => f.forcesReplacement) ? 'replace' : 'update';
    return { action, fields, ops, ...(note ? { note } : {}) };
}

;// CONCATENATED MODULE: ./src/plan/redact.ts
/**
 * Which values of a plan look secret. Field changes show rendered values (Helm values, chart objects, the user's
 * manifests), and all of them come from the pull request or the cluster: a value under a key such as `apiToken`
 * or `password`, an environment variable named like one, a Secret object's data. The engine marks such fields
 * `sensitive` as it builds the plan (redactFields), so the log, the job summary and the comment, all views of the
 * plan, print `(sensitive)` instead, and the reviewed-plan digest keeps no hash of them. Values stay in the model
 * for the fingerprint: a changed secret still changes the plan id.
 *
 * The key rule: a key is secret when one of its words (split at camelCase, `_`, `-`, `.` and `/`) is password,
 * passwd, passphrase, secret(s), token(s), credential(s) or private, or when it is a compound key such as `apiKey`,
 * `accessKey`, `ssh_key`, `privateKey`. It is not secret when its last word says it only names or points at one
 * (`keyName`, `secretName`, `secretRef`, `tokenFile`, `tokenExpirationSeconds`...), when `key` stands alone or
 * after a label word (the `key` of a toleration, taint or selector, `topologyKey`, IAM's `aws:TagKeys`), or for the known settings
 * `httpTokens` (the IMDS mode of an EC2NodeClass) and `automountServiceAccountToken`. Booleans and nulls are never
 * secret (`privateNetworking: true` shows as it is).
 */

const SECRET_WORDS = new Set([
    'password',
    'passwd',
    'passphrase',
    'secret',
    'secrets',
    'token',
    'tokens',
    'credential',
    'credentials',
    'private',
]);
/** `apikey`, `accesskey`: compound keys written as one word. */
const JOINED_KEY = /^(?:api|access|secret|private|ssh|signing|encryption|master|license|client|auth|session)keys?$/;
/** Words before `key` that make it the name of a label or a field, not a secret. */
const LABEL_WORDS = new Set([
    'topology',
    'label',
    'labels',
    'tag',
    'tags',
    'annotation',
    'match',
    'sort',
    'node',
    'selector',
    'partition',
    'routing',
    'hash',
    'primary',
    'foreign',
    'group',
    'metric',
    'object',
    'state',
    'cache',
    'lookup',
    'map',
]);
/** Last words that make a key a reference to a secret (its name, where it is, how long it lives), not the secret. */
const REFERENCE_WORDS = new Set([
    'name',
    'names',
    'ref',
    'refs',
    'id',
    'ids',
    'arn',
    'arns',
    'path',
    'paths',
    'file',
    'files',
    'dir',
    'mount',
    'enabled',
    'type',
    'kind',
    'namespace',
    'selector',
    'seconds',
    'ttl',
    'expiration',
    'length',
    'version',
    'provider',
    'source',
    'url',
    'endpoint',
    'audience',
    'format',
]);
/** Known settings whose names hold a secret word and whose values are not secrets. */
const NOT_SECRET = new Set(['httptokens', 'automountserviceaccounttoken']);
function words(key) {
    return key
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase());
}
/** Answers of isSecretKey and of pathHasSecretKey, by key and path: the fields of 50 alike node pools repeat them. */
const secretKeys = new Map();
const secretPaths = new Map();
const MEMO_SIZE = 10_000;
function memo(cache, key, compute) {
    let known = cache.get(key);
    if (known === undefined) {
        known = compute(key);
        if (cache.size >= MEMO_SIZE)
            cache.clear();
        cache.set(key, known);
    }
    return known;
}
/** True when a key's value should never be shown (see the rule above). */
function isSecretKey(key) {
    return memo(secretKeys, key, judgeKey);
}
function judgeKey(key) {
    const w = words(key);
    if (w.length === 0 || NOT_SECRET.has(w.join('')))
        return false;
    if (w.length > 1 && REFERENCE_WORDS.has(w[w.length - 1]))
        return false;
    return w.some((word, i) => SECRET_WORDS.has(word) ||
        JOINED_KEY.test(word) ||
        ((word === 'key' || word === 'keys') && i > 0 && !LABEL_WORDS.has(w[i - 1])));
}
/** A value that can hold a secret: a string or number, or a container holding one. */
function canHoldSecret(v) {
    if (typeof v === 'string')
        return v !== '';
    if (typeof v === 'number' || typeof v === 'bigint')
        return true;
    if (Array.isArray(v))
        return v.some(canHoldSecret);
    if (isPlainObject(v))
        return Object.values(v).some(canHoldSecret);
    return false;
}
/** `{name: API_TOKEN, value: ...}`: an environment variable (or any name/value pair) named like a secret. */
function isSecretPair(v) {
    return isPlainObject(v) && typeof v.name === 'string' && 'value' in v && isSecretKey(v.name) && canHoldSecret(v.value);
}
/** A Kubernetes Secret with data: every value of its data and stringData is secret. */
function isSecretObject(v) {
    return isPlainObject(v) && v.kind === 'Secret' && (canHoldSecret(v.data) || canHoldSecret(v.stringData));
}
/** True when a value holds something secret anywhere inside: a secret key, a secret name/value pair, a Secret. */
function containsSecret(v) {
    if (Array.isArray(v))
        return v.some(containsSecret);
    if (!isPlainObject(v))
        return false;
    if (isSecretPair(v) || isSecretObject(v))
        return true;
    return Object.entries(v).some(([k, x]) => (isSecretKey(k) && canHoldSecret(x)) || containsSecret(x));
}
/**
 * The keys of a display path (`values.auth["api-token"]`, `spec.env[2].value`), indexes left out. A bracketed
 * segment with a space names an object of a manifest (`manifest["Secret ns/x"]`), not a key: it is left out too.
 */
function pathKeys(path) {
    const out = [];
    for (const m of path.matchAll(/(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\[([A-Za-z_][\w.-]*)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
        if (m[1] !== undefined)
            out.push(m[1]);
        // An entry of a keyed list (`env[API_TOKEN]`): its key value names it as a key would.
        else if (m[2] !== undefined)
            out.push(m[2]);
        else {
            let key;
            try {
                key = JSON.parse(m[3]);
            }
            catch {
                continue;
            }
            if (!/\s/.test(key))
                out.push(key);
        }
    }
    return out;
}
/** Whether a field must not show its values: its path names a secret key, or its values hold a secret. */
function isSensitiveField(f) {
    if (f.sensitive)
        return true;
    const values = [f.before, f.after];
    if (memo(secretPaths, f.path, (p) => pathKeys(p).some(isSecretKey)) && values.some(canHoldSecret))
        return true;
    return values.some(containsSecret);
}
/** The fields with every one that looks secret marked `sensitive` (the others untouched). */
function redactFields(fields) {
    return fields.map((f) => (!f.sensitive && isSensitiveField(f) ? { ...f, sensitive: true } : f));
}

;// CONCATENATED MODULE: ./src/plan/fields.ts
/** Building the field changes of a plan: one value, the leaves of a new one, the differences between two. */


function field(path, before, after, extra = {}) {
    return { path, before, after, ...extra };
}
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** Appends a key to a display path: `a.b`, `labels["app.kubernetes.io/name"]`, `items[2]`. */
function joinPath(prefix, key) {
    if (typeof key === 'number')
        return `${prefix}[${key}]`;
    if (SIMPLE_KEY.test(key))
        return prefix ? `${prefix}.${key}` : key;
    return `${prefix}[${JSON.stringify(key)}]`;
}
/**
 * The keys that name the entries of a list, as Kubernetes merges them (`env`, `containers`, `volumes` by `name`;
 * NodePool `requirements` and `taints` by `key`; `volumeMounts` by `mountPath`): the first whose value is a string
 * in every entry and unique among them.
 */
const MERGE_KEYS = ['name', 'key', 'mountPath', 'devicePath'];
/** The merge key of a list of objects, or undefined when its entries can only be told apart by position. */
function listKey(list) {
    if (!list.length || !list.every(isPlainObject))
        return undefined;
    const items = list;
    for (const k of MERGE_KEYS) {
        const values = items.map((x) => x[k]);
        if (values.every((v) => typeof v === 'string' && v !== '') && new Set(values).size === values.length)
            return k;
    }
    return undefined;
}
const BARE_ENTRY = /^(?![0-9]+$)[A-Za-z0-9_./-]+$/;
/** The display path of a list entry named by its key: `env[LOG_LEVEL]`, `requirements[kubernetes.io/arch]`. */
function entryPath(prefix, keyValue) {
    return `${prefix}[${BARE_ENTRY.test(keyValue) ? keyValue : JSON.stringify(keyValue)}]`;
}
/**
 * Leaves of a value by display path, for showing a new object. Empty objects and arrays are leaves themselves; a
 * list of scalars stays one value (`values = ["m5.large","c5.large"]` reads better than one line per item), and so
 * does a flat item of a list (`requirements[1] = {"key":"kubernetes.io/arch","operator":"In","values":["amd64"]}`).
 */
function leaves(value, prefix = '') {
    const out = new Map();
    const walk = (v, path, inList = false) => {
        if (inList && isFlat(v))
            out.set(path, v);
        else if (Array.isArray(v) && v.length && v.some((x) => typeof x === 'object' && x !== null)) {
            const key = listKey(v);
            v.forEach((x, i) => walk(x, key ? entryPath(path, x[key]) : joinPath(path, i), true));
        }
        else if (isPlainObject(v) && Object.keys(v).length) {
            for (const k of Object.keys(v).sort())
                if (v[k] !== undefined)
                    walk(v[k], joinPath(path, k));
        }
        else
            out.set(path, v);
    };
    walk(value, prefix);
    return out;
}
/** A mapping of scalars and lists of scalars: short enough to show as one value. */
function isFlat(v) {
    const scalar = (x) => x === null || typeof x !== 'object';
    return isPlainObject(v) && Object.values(v).every((x) => scalar(x) || (Array.isArray(x) && x.every(scalar)));
}
/** The leaves of a new value as field changes (`after` only). */
function creationFields(value, prefix = '') {
    return [...leaves(value, prefix)].map(([path, after]) => ({ path, after }));
}
/**
 * Field changes between two values, leaf by leaf. Lists whose entries have a merge key (both sides the same) are
 * compared entry by entry under that key, whatever their order or length: `env[LOG_LEVEL].value`, an added
 * `env[NEW]`, a removed one; only a change of order alone shows the list whole. Other lists: a list whose length
 * changed is shown whole (item-by-item shifts read badly); same-length lists item by item.
 */
function diffValues(before, after, prefix = '') {
    const out = [];
    // Beneath a name/value pair named like a secret (`{name: API_TOKEN, value: ...}`), the leaves lose the name
    // that tells: they are marked sensitive here (src/plan/redact.ts marks the rest).
    const walk = (a, b, path, secret) => {
        if (deepEqual(a, b))
            return;
        if (isPlainObject(a) && isPlainObject(b)) {
            const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
            const inPair = secret || isSecretPair(a) || isSecretPair(b);
            for (const k of keys)
                walk(a[k], b[k], joinPath(path, k), inPair);
            return;
        }
        if (Array.isArray(a) && Array.isArray(b)) {
            const key = listKey(a);
            if (key && listKey(b) === key) {
                const before = new Map(a.map((x) => [x[key], x]));
                const after = new Map(b.map((x) => [x[key], x]));
                const count = out.length;
                for (const k of new Set([...before.keys(), ...after.keys()])) {
                    const [x, y] = [before.get(k), after.get(k)];
                    walk(x, y, entryPath(path, k), secret || isSecretPair(x) || isSecretPair(y));
                }
                if (out.length === count)
                    out.push({ path, before: a, after: b, ...(secret ? { sensitive: true } : {}) });
                return;
            }
        }
        if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            a.forEach((x, i) => walk(x, b[i], joinPath(path, i), secret));
            return;
        }
        out.push({ path, before: a, after: b, ...(secret ? { sensitive: true } : {}) });
    };
    walk(before, after, prefix, false);
    return out;
}

;// CONCATENATED MODULE: ./src/resources/base.ts
/**
 * What every kind shares: its identity in the plan, and "found" meaning "the read returned something". Each kind's
 * file holds only what is its own: read, diff, the operations it plans, how it runs them, destroy.
 */
class ManagedResource {
    id;
    name;
    dependsOn;
    wanted;
    keepOnDestroy;
    constructor(identity) {
        this.id = identity.id;
        this.name = identity.name;
        this.dependsOn = identity.dependsOn ?? [];
        this.wanted = identity.wanted ?? true;
        this.keepOnDestroy = identity.keepOnDestroy ?? false;
    }
    exists(read) {
        return read !== undefined;
    }
}

;// CONCATENATED MODULE: ./src/resources/tags.ts

/** Tags on every AWS resource the action creates or adopts. */
const MANAGED_TAG = 'managed-by';
const MANAGED_TAG_VALUE = 'karpenter-action';
const CLUSTER_TAG = 'karpenter-action/cluster';
/**
 * The ownership tag: set only in the request that creates a resource, never on one the action adopts. What carries it
 * is the action's own (destroy deletes it); what lacks it was adopted (destroy leaves it, unless `destroyAdopted`).
 */
const CREATED_TAG = 'karpenter-action/created';
const CREATED_TAG_VALUE = 'true';
/** The note of a resource that a destroy (or a config that no longer wants it) leaves because it was adopted. */
const LEFT_ADOPTED = 'left: adopted, not created by this action';
function managedTags(cluster, extra = {}) {
    return { ...extra, [MANAGED_TAG]: MANAGED_TAG_VALUE, [CLUSTER_TAG]: cluster };
}
function isManaged(tags) {
    return tags[MANAGED_TAG] === MANAGED_TAG_VALUE;
}
/** Created by this action (it carries the ownership tag), as opposed to adopted. */
function isCreated(tags) {
    return tags[CREATED_TAG] === CREATED_TAG_VALUE;
}
/** The tags of a create request: the desired ones and the ownership tag. */
function creationTags(tags) {
    return { ...tags, [CREATED_TAG]: CREATED_TAG_VALUE };
}
/**
 * The tags to add: the desired ones that are missing or different in `actual` (tags others added are left alone),
 * with the plan's `tags` field (their current values; before is undefined when none of them is set yet).
 * Undefined when nothing changes.
 */
function tagChange(desired, actual) {
    const tags = {};
    for (const [k, v] of Object.entries(desired))
        if (actual[k] !== v)
            tags[k] = v;
    if (Object.keys(tags).length === 0)
        return undefined;
    const before = {};
    for (const k of Object.keys(tags))
        if (k in actual)
            before[k] = actual[k];
    return { field: field('tags', Object.keys(before).length ? before : undefined, tags), tags };
}
/**
 * The note shown for a resource that exists but was not made by this action: being adopted (not tagged yet), or a
 * change to one adopted earlier. None for what the action created, nor for an adopted one left as it is.
 */
function adoptionNote(noun, tags, changing) {
    if (isCreated(tags))
        return undefined;
    if (!isManaged(tags))
        return `adopting the existing ${noun}`;
    return changing ? `change to an adopted ${noun}, not created by this action` : undefined;
}

;// CONCATENATED MODULE: ./src/resources/aws-resource.ts




/**
 * The mechanics of every AWS kind, written once:
 * - diff: absent → create (one `create` operation holding the whole request); present → the kind's differences,
 *   then the tags (only missing or different ones are added; others' tags stay), with the adoption note for a thing
 *   the action did not make; a difference that forces replacement → delete then create.
 * - apply: runs the planned operations in order. A create that finds the thing already there (made by an
 *   interrupted run, or meanwhile) is create-or-adopt: it reads what is there and brings it to the same desired
 *   state the planned create described, never recreating it.
 * - ownership: a create request carries the ownership tag (tags.ts); what lacks it was adopted, and a deletion
 *   (destroy, or a config that no longer wants it) leaves it, saying so, unless `destroyAdopted`.
 */
class AwsResource extends ManagedResource {
    aws;
    spec;
    /** Error names of a create that found the thing already there. */
    alreadyExists = ['EntityAlreadyExists'];
    constructor(aws, spec, identity) {
        super({ id: spec.id, dependsOn: spec.dependsOn, wanted: spec.wanted, ...identity });
        this.aws = aws;
        this.spec = spec;
    }
    /** The tags a create request carries: the desired ones and the ownership tag. */
    get createTags() {
        return creationTags(this.spec.tags);
    }
    /** True when the thing found was adopted (it lacks the ownership tag a create sets). */
    adopted(actual) {
        return !isCreated(actual.tags);
    }
    /** A deletion leaves what the action adopted, unless the config says `destroyAdopted`. */
    keep(actual) {
        if (!actual || this.spec.destroyAdopted)
            return undefined;
        return this.adopted(actual) ? LEFT_ADOPTED : undefined;
    }
    diff(actual) {
        if (!actual) {
            const { fields, input } = this.creation();
            return decide(false, fields, [{ op: 'create', input }]);
        }
        const { fields, ops } = this.differences(actual);
        const tags = tagChange(this.spec.tags, actual.tags);
        const note = adoptionNote(this.noun, actual.tags, fields.length > 0);
        if (tags)
            fields.push(tags.field);
        if (fields.some((f) => f.forcesReplacement)) {
            return decide(true, fields, [{ op: 'create', input: this.creation().input }], note);
        }
        const tagOps = tags ? [{ op: 'tag', target: this.tagTarget(actual), tags: tags.tags }] : [];
        return decide(true, fields, [...ops, ...tagOps], note);
    }
    async apply(ops) {
        for (const op of ops) {
            if (op.op === 'create')
                await this.createOrAdopt(op.input);
            else if (op.op === 'tag')
                await this.tag(op.target, op.tags);
            else
                await this.perform(op);
        }
    }
    async createOrAdopt(input) {
        try {
            await this.create(input);
        }
        catch (e) {
            if (!(0,calls/* isAwsError */.m_)(e, ...this.alreadyExists))
                throw e;
            const found = await this.read();
            const converge = found && this.diff(found);
            if (!converge || (converge.action !== 'update' && converge.action !== 'noop'))
                throw e;
            await this.apply(converge.ops);
        }
    }
}

;// CONCATENATED MODULE: ./src/resources/access-entry.ts




/** The access entry type that lets EC2 Linux nodes of a role join the cluster. */
const NODE_ACCESS_ENTRY_TYPE = 'EC2_LINUX';
/** An EKS access entry of type EC2_LINUX for the node role: how nodes join clusters that use the access API. */
class AccessEntry extends AwsResource {
    kind = 'eks access entry';
    noun = 'access entry';
    alreadyExists = ['ResourceInUseException'];
    constructor(aws, spec) {
        super(aws, spec, { name: spec.roleName });
    }
    async read() {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { DescribeAccessEntryCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        const { clusterName, principalArn } = this.spec;
        const entry = (await (0,calls/* ignoreNotFound */.Ko)(eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn }))))
            ?.accessEntry;
        if (!entry)
            return undefined;
        return { arn: entry.accessEntryArn ?? '', type: entry.type ?? 'STANDARD', tags: entry.tags ?? {} };
    }
    creation() {
        const { clusterName, principalArn } = this.spec;
        const tags = this.createTags;
        return {
            fields: [field('principalArn', undefined, principalArn), field('type', undefined, NODE_ACCESS_ENTRY_TYPE)],
            input: { clusterName, principalArn, type: NODE_ACCESS_ENTRY_TYPE, tags },
        };
    }
    differences(actual) {
        if (actual.type === NODE_ACCESS_ENTRY_TYPE)
            return { fields: [], ops: [] };
        // EKS cannot change an entry's type: it is deleted and made again.
        return { fields: [field('type', actual.type, NODE_ACCESS_ENTRY_TYPE, { forcesReplacement: true })], ops: [] };
    }
    tagTarget(actual) {
        return actual.arn;
    }
    async create(input) {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { CreateAccessEntryCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        await eks.send(new CreateAccessEntryCommand(input));
    }
    async perform() {
        // An access entry has no operations of its own: it is created, tagged or replaced.
    }
    async tag(resourceArn, tags) {
        await tagEksResource(this.aws, resourceArn, tags);
    }
    async destroy() {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { DeleteAccessEntryCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        const { clusterName, principalArn } = this.spec;
        await (0,calls/* ignoreNotFound */.Ko)(eks.send(new DeleteAccessEntryCommand({ clusterName, principalArn })));
    }
}
/** EKS's TagResource, shared by the EKS kinds. */
async function tagEksResource(aws, resourceArn, tags) {
    const eks = await clients/* clients */.b2.eks(aws);
    const { TagResourceCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
    await eks.send(new TagResourceCommand({ resourceArn, tags }));
}

// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(9809);
;// CONCATENATED MODULE: ./src/resources/aws-auth.ts






const AWS_AUTH_NAMESPACE = 'kube-system';
const AWS_AUTH_NAME = 'aws-auth';
/** What EKS's authenticator expects for a node role in mapRoles. */
const NODE_USERNAME = 'system:node:{{EC2PrivateDNSName}}';
const NODE_GROUPS = ['system:bootstrappers', 'system:nodes'];
/** mapRoles text as a YAML document; an absent or blank key is an empty list. */
function mapRolesDocument(text) {
    const doc = (0,dist/* parseDocument */.Tp)(text?.trim() ? text : '[]');
    if (doc.errors.length) {
        throw new Error(`the aws-auth ConfigMap's mapRoles is not valid YAML (${doc.errors[0].message.split('\n')[0]}); fix it by hand first`);
    }
    if (!(0,dist/* isSeq */.oP)(doc.contents))
        throw new Error("the aws-auth ConfigMap's mapRoles is not a YAML list; fix it by hand first");
    return doc;
}
/** The entries of mapRoles, as plain data. */
function parseMapRoles(text) {
    const list = mapRolesDocument(text).toJS();
    return list.map((item) => {
        const m = (item ?? {});
        return {
            rolearn: String(m.rolearn ?? ''),
            username: String(m.username ?? ''),
            groups: (m.groups ?? []).map(String),
        };
    });
}
/**
 * mapRoles with `entry` in place of any entry for the same role (`arns`), or appended; `entry` undefined
 * removes them. Every other entry keeps its text, order and comments. The list is written in block style, as EKS
 * and people write it, so that an entry someone appends by hand (`- rolearn: ...`) keeps it valid YAML; a list
 * written in flow style (`[{...}]`) is turned into the same entries in block style.
 */
function mergeMapRoles(text, arns, entry) {
    const doc = mapRolesDocument(text);
    const seq = doc.contents;
    seq.flow = false;
    const ours = (item) => (0,dist/* isMap */.jh)(item) && arns.includes(String(item.get('rolearn')));
    const at = seq.items.findIndex(ours);
    seq.items = seq.items.filter((item, i) => i === at || !ours(item));
    const node = entry ? doc.createNode(entry, { flow: false }) : undefined;
    if (at >= 0) {
        if (node)
            seq.items[at] = node;
        else
            seq.items.splice(at, 1);
    }
    else if (node)
        seq.items.push(node);
    return doc.toString({ flowCollectionPadding: false });
}
function sameMapping(a, b) {
    return a.username === b.username && [...a.groups].sort().join('\n') === [...b.groups].sort().join('\n');
}
/**
 * The node role's entry in the aws-auth ConfigMap (for clusters that authenticate through it). Only this
 * entry is written: the ConfigMap's other entries and keys are left as they are. Writes carry the
 * resourceVersion they were computed from, so a concurrent edit is re-read and merged again, never lost.
 */
class AwsAuthMapping extends ManagedResource {
    kube;
    spec;
    kind = 'aws-auth mapping';
    constructor(kube, spec) {
        super({ id: spec.id, name: spec.roleName, dependsOn: spec.dependsOn });
        this.kube = kube;
        this.spec = spec;
    }
    get arns() {
        return [this.spec.roleArn, ...(this.spec.aliases ?? [])];
    }
    configMap() {
        return this.kube.get({ ...types/* CONFIGMAP */.$q, name: AWS_AUTH_NAME, namespace: AWS_AUTH_NAMESPACE });
    }
    async read() {
        const mapRoles = (await this.configMap())?.data?.mapRoles;
        return parseMapRoles(mapRoles).find((m) => this.arns.includes(m.rolearn));
    }
    diff(actual) {
        const want = { rolearn: this.spec.roleArn, username: NODE_USERNAME, groups: [...NODE_GROUPS] };
        const ops = [{ op: 'map-role', entry: want, arns: this.arns }];
        if (!actual) {
            const fields = [
                field('rolearn', undefined, want.rolearn),
                field('username', undefined, want.username),
                field('groups', undefined, want.groups),
            ];
            return decide(false, fields, ops);
        }
        const fields = [];
        if (actual.rolearn !== want.rolearn)
            fields.push(field('rolearn', actual.rolearn, want.rolearn));
        if (actual.username !== want.username)
            fields.push(field('username', actual.username, want.username));
        if (!sameMapping({ ...actual, username: want.username }, want))
            fields.push(field('groups', actual.groups, want.groups));
        return decide(true, fields, ops);
    }
    async apply(ops) {
        for (const op of ops)
            await this.write(op.arns, op.entry);
    }
    destroy() {
        return this.write(this.arns, undefined);
    }
    /** Re-reads the ConfigMap and writes our entry (or its absence) into it, again on a concurrent change. */
    write(arns, entry) {
        return (0,retry/* retry */.L5)(async () => {
            const cm = await this.configMap();
            if (!cm && !entry)
                return;
            const current = cm?.data?.mapRoles;
            const next = mergeMapRoles(current, arns, entry);
            if (cm && current === next)
                return;
            const resourceVersion = cm?.metadata.resourceVersion;
            await this.kube.apply({
                ...types/* CONFIGMAP */.$q,
                metadata: {
                    name: AWS_AUTH_NAME,
                    namespace: AWS_AUTH_NAMESPACE,
                    ...(resourceVersion ? { resourceVersion: String(resourceVersion) } : {}),
                },
                data: { mapRoles: next },
            });
        }, {
            attempts: 4,
            baseDelayMs: 100,
            retryable: (e) => /has been modified|the object has been modified|Conflict|AlreadyExists/i.test(String(e)),
        });
    }
}

;// CONCATENATED MODULE: ./src/resources/helm-release.ts





/**
 * `helm template` of charts, each chart, values and target rendered at most once: shared by the resources of one
 * desired-state graph (the plan-time check of NodePools against the CRD chart's schemas reuses its rendering).
 */
class ChartRenderings {
    kube;
    made = new Map();
    kubeVersion;
    apiVersions;
    constructor(kube) {
        this.kube = kube;
    }
    /**
     * Asks for the server's version now, for a rendering that may follow: a release's read calls this before it
     * reads the release, so that the version is in hand when the release turns out to need rendering.
     */
    prepare() {
        return (this.kubeVersion ??= this.kube.serverVersion().catch(() => undefined));
    }
    render(chart, at, values) {
        const key = canonicalJson({ chart, at, values });
        let rendering = this.made.get(key);
        if (!rendering) {
            // As helm install sees the cluster: its version and the API versions it serves (a chart may render an object
            // only where its kind is served, e.g. a ServiceMonitor), so that the plan shows what the install will create.
            this.apiVersions ??= this.kube.apiVersions().catch(() => undefined);
            rendering = Promise.all([this.prepare(), this.apiVersions]).then(([kubeVersion, apiVersions]) => renderChart(this.kube, chart, { ...at, values, kubeVersion, apiVersions }));
            this.made.set(key, rendering);
        }
        return rendering;
    }
}
/**
 * A Helm release, installed and upgraded with `helm upgrade --install`, its workloads waited for and a failure
 * rolled back as `--wait --atomic` would (upgradeRelease() in src/kube/helm.ts).
 *
 * read() takes the latest revision from its Secret (no helm process). The chart is rendered with
 * `helm template` only when the release might change: when the chart version, the values or (for a chart
 * folder) the chart's own files differ from the release's record, or it is not deployed. So a plan with
 * nothing to do spawns no helm at all, and an apply with nothing to do creates no new revision.
 */
class HelmReleaseResource extends ManagedResource {
    kube;
    spec;
    renderings;
    kind = 'helm release';
    constructor(kube, spec, renderings) {
        super({
            id: spec.id,
            name: `${spec.namespace}/${spec.release}`,
            dependsOn: spec.dependsOn,
            keepOnDestroy: spec.keepOnDestroy,
        });
        this.kube = kube;
        this.spec = spec;
        this.renderings = renderings;
    }
    get configured() {
        return { release: this.spec.release, namespace: this.spec.namespace };
    }
    /** Where the read found (or will put) the release. */
    targetOf(_read) {
        return this.configured;
    }
    exists(read) {
        return read.release !== undefined;
    }
    read() {
        return this.readAt(this.configured);
    }
    /** The release's latest revision is the one read (or there is still none): one request of Secret metadata. */
    async unchanged(read) {
        const { namespace, release } = this.targetOf(read);
        const latest = await latestRevision(this.kube, namespace, release);
        // A release uninstalled with its history kept reads as absent: confirmed only by reading it again.
        if (!read.release)
            return latest === undefined;
        return latest?.revision === read.release.revision && latest.resourceVersion === read.release.resourceVersion;
    }
    /** The release at `target`, rendered when it might change. */
    async readAt(target) {
        if (this.spec.render)
            void this.renderings.prepare();
        let release = await readRelease(this.kube, target.namespace, target.release);
        // `helm uninstall --keep-history` leaves records; helm installs afresh over them.
        if (release?.status === 'uninstalled')
            release = undefined;
        if (release && /^(pending-|uninstalling)/.test(release.status)) {
            throw new Error(`helm release ${target.namespace}/${target.release} is stuck in ${release.status} (revision ${release.revision}): an earlier helm run was interrupted. ` +
                `Fix: \`helm rollback ${target.release} -n ${target.namespace}\` (or \`helm uninstall\` if it was never deployed), then run again.`);
        }
        const rendered = this.spec.render && !this.upToDate(release) ? await this.render(target) : undefined;
        return { ...(release ? { release } : {}), ...(rendered ? { rendered } : {}) };
    }
    render(target) {
        return this.renderings.render(this.spec.chart, target, this.spec.values);
    }
    /** True when the release already has this chart and these values, deployed: nothing could change. */
    upToDate(release) {
        if (!release || release.status !== 'deployed')
            return false;
        const meta = chartMetadata(this.spec.chart);
        if (meta.name !== release.chart.name || meta.version !== release.chart.version)
            return false;
        if (!deepEqual(this.spec.values, release.values))
            return false;
        // An OCI chart of one version is immutable; a folder can change under the same version.
        return this.spec.chart.local ? localChartMatches(this.spec.chart, release) : true;
    }
    diff(read) {
        const meta = chartMetadata(this.spec.chart);
        const chart = `${meta.name}-${meta.version}`;
        const { release: r, rendered } = read;
        const fields = [];
        const ops = [this.upgrade(this.targetOf(read), rendered)];
        if (!r) {
            fields.push({ path: 'chart', after: chart });
            if (Object.keys(this.spec.values).length)
                fields.push(...creationFields(this.spec.values, 'values'));
            if (rendered)
                fields.push({ path: 'manifest', after: rendered.map(objectKey) });
            return { action: 'create', fields, ops, ...this.versionNote(meta.version) };
        }
        if (!rendered)
            return { action: 'noop', fields: [], ops: [] };
        const before = `${r.chart.name}-${r.chart.version}`;
        if (before !== chart)
            fields.push({ path: 'chart', before, after: chart });
        if (r.status !== 'deployed')
            fields.push({ path: 'status', before: r.status, after: 'deployed' });
        fields.push(...diffValues(r.values, this.spec.values, 'values'));
        fields.push(...manifestChanges(releaseObjects(r), rendered));
        if (fields.length === 0)
            return { action: 'noop', fields: [], ops: [] };
        return { action: 'update', fields, ops, ...this.versionNote(meta.version) };
    }
    /**
     * The upgrade of the release at `target`; with the plan's rendering (when it rendered no hooks, which it leaves
     * out) to be dry-run by the API server first.
     */
    upgrade(target, rendered) {
        const { chart, values, timeout, skipCrds } = this.spec;
        const checked = rendered && !renderedHooks(rendered) ? { checked: rendered } : {};
        return { op: 'upgrade', ...target, chart, values, timeout, skipCrds, ...checked };
    }
    versionNote(chartVersion) {
        const want = this.spec.expectedVersion;
        if (!this.spec.chart.local || !want || want === chartVersion)
            return {};
        return { note: `the chart folder's Chart.yaml says ${chartVersion}; karpenter.version is ${want}` };
    }
    async apply(ops) {
        for (const op of ops) {
            const { op: _, chart, checked, ...upgrade } = op;
            if (checked)
                await checkRendering(this.kube, checked, upgrade.namespace, `helm release ${this.name}`);
            await upgradeRelease(this.kube, chart, { ...upgrade, checked });
        }
    }
    async destroy(read) {
        const { namespace, release } = this.targetOf(read);
        await uninstallRelease(this.kube, namespace, release, this.spec.timeout);
    }
}
/**
 * The rendered objects that change between two manifests: created and deleted objects by name, changed ones
 * field by field. Secret data shows as digests, flagged sensitive.
 */
function manifestChanges(before, after) {
    const byKey = (objs) => new Map(objs.map((o) => [objectKey(o), o]));
    const old = byKey(before);
    const now = byKey(after);
    const out = [];
    const chartLabels = new Map();
    for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
        const a = old.get(key);
        const b = now.get(key);
        const path = `manifest[${JSON.stringify(key)}]`;
        // A whole object created or deleted shows as its apiVersion: `+ manifest["Role ns/x"] = "rbac.authorization.k8s.io/v1"`.
        if (!a)
            out.push({ path, after: b.apiVersion });
        else if (!b)
            out.push({ path, before: a.apiVersion });
        else {
            const secret = a.kind === 'Secret';
            for (const f of diffValues(redact(a), redact(b), path)) {
                const label = CHART_LABEL.exec(f.path.slice(path.length));
                if (label) {
                    // The labels every object carries for the chart version: one line for all objects.
                    const group = `${label[0]}|${JSON.stringify([f.before, f.after])}`;
                    const seen = chartLabels.get(group);
                    if (seen)
                        seen.objects.push(key);
                    else
                        chartLabels.set(group, { path: `manifest[*]${label[0]}`, before: f.before, after: f.after, objects: [key] });
                }
                else
                    out.push(secret ? { ...f, sensitive: true } : f);
            }
        }
    }
    for (const { objects, ...f } of chartLabels.values())
        out.push({ ...f, detail: [`on ${objects.join(', ')}`] });
    return out;
}
/** The labels a chart stamps with its own version (on the object and on a pod template). */
const CHART_LABEL = /^(?:\.spec\.template)?\.metadata\.labels\["(?:helm\.sh\/chart|app\.kubernetes\.io\/version)"\]$/;

;// CONCATENATED MODULE: ./src/resources/crds.ts







/** The CRDs of Karpenter v1 charts (1.14 adds capacitybuffers, which the CRD chart ships too). */
const KARPENTER_CRDS = [
    'nodepools.karpenter.sh',
    'nodeclaims.karpenter.sh',
    'nodeoverlays.karpenter.sh',
    'ec2nodeclasses.karpenter.k8s.aws',
    'capacitybuffers.autoscaling.x-k8s.io',
];
/** CRDs of the v1alpha5 API (Karpenter before 0.32). */
const V1ALPHA5_CRDS = [
    'provisioners.karpenter.sh',
    'machines.karpenter.sh',
    'awsnodetemplates.karpenter.k8s.aws',
];
/** CRDs whose objects Karpenter stored in pre-v1 versions. */
const STORED_VERSION_CRDS = ['nodepools.karpenter.sh', 'nodeclaims.karpenter.sh', 'ec2nodeclasses.karpenter.k8s.aws'];
const HELM_RELEASE_NAME = 'meta.helm.sh/release-name';
const HELM_RELEASE_NAMESPACE = 'meta.helm.sh/release-namespace';
const HELM_MANAGED_BY = { label: 'app.kubernetes.io/managed-by', value: 'Helm' };
/** Karpenter's CRDs as they are in the cluster, by name (missing ones absent). */
async function readKarpenterCrds(kube) {
    const names = [...KARPENTER_CRDS, ...V1ALPHA5_CRDS];
    const found = await Promise.all(names.map((name) => kube.get({ ...types/* CRD */.mm, name })));
    return Object.fromEntries(found.filter((c) => Boolean(c)).map((c) => [c.metadata.name, c]));
}
/**
 * Refuses an upgrade from a pre-v1 Karpenter: v1alpha5 CRDs still installed, or v1beta1/v1alpha5 still
 * among a CRD's stored versions (the v1 CRDs drop those versions, and the API server refuses a CRD update
 * that removes a version objects may still be stored in). Undefined when the cluster is fine.
 */
function preV1Problem(crds) {
    const legacy = V1ALPHA5_CRDS.filter((n) => n in crds);
    if (legacy.length) {
        return (`the cluster still has Karpenter's v1alpha5 CRDs (${legacy.join(', ')}): Provisioners and AWSNodeTemplates predate v1. ` +
            'Fix: migrate them to v1beta1 NodePools/EC2NodeClasses with Karpenter 0.32-0.37 and delete the old CRDs, then upgrade to 1.0.x ' +
            '(https://karpenter.sh/docs/upgrading/v1-migration/) before this action takes over.');
    }
    const stale = [];
    for (const name of STORED_VERSION_CRDS) {
        const stored = (crds[name]?.status?.storedVersions ?? []).filter((v) => v !== 'v1');
        if (stored.length)
            stale.push(`${name} (${stored.join(', ')})`);
    }
    if (!stale.length)
        return undefined;
    return (`Karpenter's CRDs still list pre-v1 stored versions: ${stale.join('; ')}. Objects may still be stored in those versions, ` +
        'and the v1 CRDs of this chart no longer define them, so the CRD upgrade would fail half-way. ' +
        'Fix: upgrade through Karpenter 1.0.x first (https://karpenter.sh/docs/upgrading/v1-migration/); once every object is ' +
        'stored as v1 (e.g. rewritten with `kubectl get nodepools,nodeclaims,ec2nodeclasses -o json | kubectl replace -f -`), ' +
        'remove the old versions from status.storedVersions (`kubectl patch crd <name> --subresource=status --type=merge -p \'{"status":{"storedVersions":["v1"]}}\'`), then run again.');
}
const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
function conditionsOf(crd) {
    return (crd?.status?.conditions ?? []).filter((c) => c.type === 'Established' || c.type === 'NamesAccepted');
}
const isEstablished = (crd) => conditionsOf(crd).some((c) => c.type === 'Established' && c.status === 'True');
/**
 * While helm installs the CRD chart: looks every `intervalMs` at the CRDs the plan rendered, and keeps the names of
 * those seen Established (a CRD stays Established once it is). What helm then recorded is still read and waited for
 * (waitForEstablished); this only spares it the CRDs already served by the time helm exits. Failed looks (a CRD not
 * created yet, a request that failed) are looked at again; stop() ends it.
 */
function establishedMeanwhile(kube, names, intervalMs = 100) {
    const seen = new Set();
    let stopped = false;
    let wake;
    const looking = (async () => {
        while (!stopped && seen.size < names.length) {
            const pending = names.filter((n) => !seen.has(n));
            const found = await Promise.all(pending.map((n) => kube.getPath(`${CRD_PATH}/${encodeURIComponent(n)}`).catch(() => undefined)));
            pending.forEach((n, i) => isEstablished(found[i]) && seen.add(n));
            if (stopped || seen.size === names.length)
                break;
            await new Promise((r) => {
                wake = r;
                setTimeout(r, intervalMs);
            });
        }
    })();
    return {
        seen,
        stop: async () => {
            stopped = true;
            wake?.();
            await looking;
        },
    };
}
/**
 * Waits until every CRD in `names` is Established (the API server serves its kind), polling them through the API
 * every `intervalMs` (a few requests each, through the one proxy). Fails at once when the API server refuses a CRD's
 * names, and after `timeoutMs` naming the CRDs still not served and their conditions.
 */
async function waitForEstablished(kube, names, timeoutMs, of, intervalMs = 100) {
    const deadline = Date.now() + timeoutMs;
    let pending = [...names];
    const last = new Map();
    for (;;) {
        const seen = await Promise.all(pending.map((n) => kube.getPath(`${CRD_PATH}/${encodeURIComponent(n)}`)));
        pending = pending.filter((name, i) => {
            const conditions = conditionsOf(seen[i]);
            const refused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
            if (refused) {
                throw new Error(`${of}: the API server refused CRD ${name}: ${refused.reason ?? ''} ${refused.message ?? ''}`.trim());
            }
            if (conditions.some((c) => c.type === 'Established' && c.status === 'True'))
                return false;
            last.set(name, seen[i]
                ? conditions.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ''}`).join(', ') ||
                    'no conditions yet'
                : 'not found');
            return true;
        });
        if (!pending.length)
            return;
        if (Date.now() >= deadline) {
            throw new Error(`${of}: CRDs not Established within karpenter.timeout (${Math.round(timeoutMs / 1000)}s): ` +
                pending.map((n) => `${n}: ${last.get(n)}`).join('; ') +
                '. Fix: see `kubectl get crd -o yaml` for why, then run again (the release is installed; the next run waits again).');
        }
        await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
}
/**
 * The objects of Karpenter's CRDs in the cluster that a destroy would delete with the CRDs although it does not
 * delete them itself first: `deletedFirst` are the NodePools and EC2NodeClasses the destroy deletes before the
 * release goes (their NodeClaims go with their NodePool). Listed once per CRD (the served storage version).
 */
async function leftWithCrds(kube, crds, deletedFirst) {
    const first = new Set(deletedFirst.map(objectKey));
    const pools = new Set(deletedFirst.filter((o) => o.kind === 'NodePool').map((o) => o.metadata.name));
    const lists = await Promise.all(KARPENTER_CRDS.filter((n) => n in crds).map(async (name) => {
        const spec = crds[name].spec;
        const version = spec.versions.find((v) => v.storage && v.served) ?? spec.versions.find((v) => v.served);
        if (!version)
            return [];
        const list = await kube.getPath(`/apis/${spec.group}/${version.name}/${spec.names.plural}`);
        return (list?.items ?? []).map((o) => ({
            ...o,
            apiVersion: `${spec.group}/${version.name}`,
            kind: spec.names.kind,
        }));
    }));
    return lists
        .flat()
        .filter((o) => !first.has(objectKey(o)))
        .filter((o) => !(o.kind === 'NodeClaim' && pools.has(o.metadata.labels?.['karpenter.sh/nodepool'] ?? '')));
}
/** Up to ten objects by kind, name and finalizers, and how many more. */
function describeObjects(objects) {
    const shown = objects.slice(0, 10).map((o) => {
        const finalizers = o.metadata.finalizers ?? [];
        return `${objectKey(o)}${finalizers.length ? ` (finalizers: ${finalizers.join(', ')})` : ''}`;
    });
    const more = objects.length > shown.length ? ` and ${objects.length - shown.length} more` : '';
    return `${shown.join('; ')}${more}`;
}
/** Why a destroy refuses to delete the CRDs while `left` exist. */
function crdsStillHold(left) {
    const first = left[0];
    return (`karpenter.destroyCrds: deleting Karpenter's CRDs would also delete ${left.length} object(s) this destroy does not ` +
        `own: ${describeObjects(left)}. The action deletes only its own NodePools and EC2NodeClasses; with the controller ` +
        'uninstalled first, nothing would remove the finalizers of the others, and the CRDs would hang half-deleted. ' +
        `Fix: delete them while their controller still runs (\`kubectl delete ${first.kind.toLowerCase()} ` +
        `${first.metadata.namespace ? `-n ${first.metadata.namespace} ` : ''}${first.metadata.name}\`), or set ` +
        'karpenter.destroyCrds: false to keep the CRDs. Nothing was changed.');
}
const same = (a, b) => !!a && !!b && a.release === b.release && a.namespace === b.namespace;
function ownerOf(crd) {
    const a = crd?.metadata.annotations;
    const release = a?.[HELM_RELEASE_NAME];
    const namespace = a?.[HELM_RELEASE_NAMESPACE];
    return release && namespace ? { release, namespace } : undefined;
}
/** The CRDs in the cluster that the chart ships (the known Karpenter ones until it is rendered). */
function shipped(read) {
    const names = new Set(read.rendered ? read.rendered.map((o) => o.metadata.name) : KARPENTER_CRDS);
    return Object.values(read.crds).filter((c) => names.has(c.metadata.name));
}
/** Shipped CRDs that name another release as their owner (after following the owner of the NodePool CRD). */
function ownedElsewhere(read) {
    return shipped(read).filter((c) => {
        const a = c.metadata.annotations ?? {};
        if (!a[HELM_RELEASE_NAME])
            return false;
        const owner = { release: a[HELM_RELEASE_NAME], namespace: a[HELM_RELEASE_NAMESPACE] };
        return !same(owner, read.target) && !same(owner, read.gone);
    });
}
/** Existing CRDs the chart ships that lack the target release's ownership labels and annotations (and name no other owner). */
function needsAdoption(read) {
    const foreign = ownedElsewhere(read);
    return shipped(read).filter((c) => !(same(ownerOf(c), read.target) && c.metadata.labels?.[HELM_MANAGED_BY.label] === HELM_MANAGED_BY.value) &&
        !foreign.includes(c));
}
/** CRDs the release says it installed that are gone from the cluster (deleted by hand). */
function missing(release, crds) {
    return manifestCrdNames(release.manifest).filter((n) => KARPENTER_CRDS.includes(n) && !(n in crds));
}
/**
 * The CRD chart's release (karpenter.crdChart), installed before the main chart, which gets `--skip-crds`:
 * Helm never upgrades CRDs from a chart's crds/ folder, so the CRD chart is how they stay current.
 *
 * Karpenter CRDs that Helm does not own (left by an earlier install of the main chart, or applied with
 * kubectl) are adopted: the labels and annotations Helm checks are added before the install, instead of
 * failing with "invalid ownership metadata". CRDs already owned by a CRD release elsewhere (the Karpenter
 * docs install `karpenter-crd` into kube-system) are followed: that release is the one upgraded.
 */
class CrdRelease extends HelmReleaseResource {
    spec;
    kind = 'helm release (CRDs)';
    constructor(kube, spec, renderings) {
        super(kube, spec, renderings);
        this.spec = spec;
    }
    targetOf(read) {
        return read.target;
    }
    async read() {
        const crds = await readKarpenterCrds(this.kube);
        // Only an install or upgrade is at risk; a destroy must stay possible.
        const problem = this.spec.render ? preV1Problem(crds) : undefined;
        if (problem)
            throw new Error(problem);
        // Point the release at the one that already owns Karpenter's CRDs, if any.
        const owner = ownerOf(crds['nodepools.karpenter.sh']);
        const follow = owner && !same(owner, this.configured) ? owner : undefined;
        let read = {
            ...(await this.readAt(follow ?? this.configured)),
            crds,
            target: follow ?? this.configured,
            ...(follow
                ? {
                    followed: `the CRDs belong to helm release ${follow.namespace}/${follow.release}: that release is upgraded`,
                }
                : {}),
        };
        if (follow && !read.release) {
            // The owner the CRDs name is gone (uninstalled, its CRDs kept): they are adopted into the configured release.
            read = { ...(await this.readAt(this.configured)), crds, target: this.configured, gone: follow };
        }
        // Adoption and missing CRDs need the chart's own list of CRDs: render (once) to know it.
        if (this.spec.render &&
            !read.rendered &&
            (needsAdoption(read).length || (read.release && missing(read.release, crds).length))) {
            read = { ...read, rendered: await this.render(read.target) };
        }
        // A destroy that deletes the CRDs: nothing in them but what it deletes itself first.
        if (!this.spec.render && !this.spec.keepOnDestroy && read.release && this.spec.deletedFirst) {
            const left = await leftWithCrds(this.kube, crds, this.spec.deletedFirst());
            if (left.length)
                throw new Error(crdsStillHold(left));
        }
        const foreign = this.spec.render ? ownedElsewhere(read) : [];
        if (foreign.length) {
            const list = foreign.map((c) => `${c.metadata.name} (helm release ${c.metadata.annotations?.[HELM_RELEASE_NAMESPACE]}/${c.metadata.annotations?.[HELM_RELEASE_NAME]})`);
            throw new Error(`the CRD chart (karpenter.crdChart) ships CRDs that another Helm release owns: ${list.join(', ')}. ` +
                'Helm will not take them over, and taking them would let that release delete them. Fix: uninstall that release ' +
                'keeping its CRDs (annotate them helm.sh/resource-policy=keep first), or set karpenter.installCrds: false and keep managing the CRDs there.');
        }
        return read;
    }
    diff(read) {
        const base = super.diff(read);
        const name = `${read.target.namespace}/${read.target.release}`;
        const extra = [];
        const adopt = needsAdoption(read);
        for (const c of adopt) {
            const a = c.metadata.annotations ?? {};
            const named = a[HELM_RELEASE_NAME] ? `${a[HELM_RELEASE_NAMESPACE]}/${a[HELM_RELEASE_NAME]}` : undefined;
            const gone = named && read.gone && named === `${read.gone.namespace}/${read.gone.release}`;
            const owner = !named ? 'none' : gone ? `${named} (release gone)` : `${named} (not labelled for Helm)`;
            extra.push({ path: `crds[${JSON.stringify(c.metadata.name)}].owner`, before: owner, after: name });
        }
        if (read.release) {
            for (const n of missing(read.release, read.crds)) {
                extra.push({ path: `crds[${JSON.stringify(n)}]`, before: 'missing', after: 'present' });
            }
        }
        const notes = [
            base.note,
            read.followed,
            adopt.length ? `adopting ${adopt.length} CRD(s) that Helm did not own` : undefined,
        ];
        const note = notes.filter(Boolean).join('; ') || undefined;
        if (!extra.length) {
            const { note: _, ...decided } = base;
            return { ...decided, name, ...(base.action !== 'noop' && note ? { note } : {}) };
        }
        const ops = [
            ...adopt.map((c) => ({ op: 'adopt-crd', name: c.metadata.name, owner: read.target })),
            this.upgrade(read.target, read.rendered),
        ];
        return {
            action: base.action === 'noop' ? 'update' : base.action,
            fields: [...base.fields, ...extra],
            ops,
            name,
            ...(note ? { note } : {}),
        };
    }
    /** The release's revision and every Karpenter CRD's resourceVersion are those read. */
    async unchanged(read) {
        const [release, crds] = await Promise.all([super.unchanged(read), readKarpenterCrds(this.kube)]);
        const versions = (c) => Object.fromEntries(Object.entries(c).map(([n, o]) => [n, o.metadata.resourceVersion]));
        return release && deepEqual(versions(crds), versions(read.crds));
    }
    /**
     * Installed without any waiting in upgradeRelease(): apply() waits for Established itself, looking at the CRDs of
     * the plan's rendering (when it rendered) while helm still runs.
     */
    upgrade(target, rendered) {
        const crds = rendered?.filter((o) => o.kind === types/* CRD */.mm.kind).map((o) => o.metadata.name);
        return { ...super.upgrade(target), wait: false, ...(crds?.length ? { crds } : {}) };
    }
    async apply(ops) {
        const adopt = ops.filter((o) => o.op === 'adopt-crd');
        await Promise.all(adopt.map(({ name, owner }) => this.kube.mergePatch({ ...types/* CRD */.mm, name }, {
            metadata: {
                labels: { [HELM_MANAGED_BY.label]: HELM_MANAGED_BY.value },
                annotations: { [HELM_RELEASE_NAME]: owner.release, [HELM_RELEASE_NAMESPACE]: owner.namespace },
            },
        }, types/* FIELD_MANAGER */.vy)));
        const upgrades = ops.filter((o) => o.op === 'upgrade');
        const meanwhile = establishedMeanwhile(this.kube, [...new Set(upgrades.flatMap((u) => u.crds ?? []))]);
        try {
            await super.apply(upgrades);
        }
        finally {
            await meanwhile.stop();
        }
        for (const u of upgrades) {
            if (u.wait !== false)
                continue;
            // What the release now holds, scanned for its CRDs: every one must be served before NodePools are applied.
            const release = await readRelease(this.kube, u.namespace, u.release);
            const names = (release ? manifestCrdNames(release.manifest) : []).filter((n) => !meanwhile.seen.has(n));
            await waitForEstablished(this.kube, names, durationMs(u.timeout), `helm release ${u.namespace}/${u.release}`);
        }
        this.kube.forgetDiscovery();
    }
    /**
     * The uninstall, and when it fails (helm's own message is "context deadline exceeded"), what held it: the CRDs
     * still there, their conditions, and the objects left in them with their finalizers.
     */
    async destroy(read) {
        try {
            await super.destroy(read);
        }
        catch (e) {
            const crds = await readKarpenterCrds(this.kube).catch(() => ({}));
            const left = await leftWithCrds(this.kube, crds, []).catch(() => []);
            const held = Object.values(crds).map((c) => {
                const terminating = (c.status?.conditions ?? []).find((x) => x.type === 'Terminating' && x.status === 'True');
                return `${c.metadata.name}${terminating ? ` (terminating: ${terminating.message ?? terminating.reason ?? ''})` : ''}`;
            });
            if (!held.length)
                throw e;
            const objects = left.length ? `; objects left in them: ${describeObjects(left)}` : '';
            throw new Error(`${e.message}. CRDs still present: ${held.join(', ')}${objects}. Fix: remove what holds them ` +
                '(an object whose finalizer no controller removes any more: `kubectl patch <kind> <name> --type=merge -p ' +
                '\'{"metadata":{"finalizers":null}}\'` once its instance is known to be gone), then run destroy again.', { cause: e });
        }
    }
    /** The OpenAPI schema the chart gives `kind` (for plan-time checks while the CRDs are not installed yet). */
    async schemaFor(apiVersion, kind) {
        return schemaFromCrds(await this.render(this.configured), apiVersion, kind);
    }
}

;// CONCATENATED MODULE: ./src/aws/json-query.ts
/**
 * The SQS and EventBridge reads a plan makes, as signed JSON-protocol requests of our own (src/aws/signed-call.ts):
 * a POST of the input as JSON with the operation in X-Amz-Target, answered with the output as JSON, the names the
 * SDK's output keeps. The writes of an apply still go through the SDK's clients. Errors carry the service's error
 * code as `name` (QueueDoesNotExist, ResourceNotFoundException...) and the HTTP status in `$metadata`, as SDK errors
 * do. Checked beside the SDK on moto in test/integration/aws-reads.test.ts.
 */


/** The service's refusal (its error code as `name`), or a failed exchange. */
class JsonServiceError extends calls/* AwsHttpError */.U3 {
}
const SQS = { endpointId: 'SQS', name: 'sqs', target: 'AmazonSQS', version: '1.0' };
const EVENTS = { endpointId: 'EVENTBRIDGE', name: 'events', target: 'AWSEvents', version: '1.1' };
async function jsonCall(session, service, command, input) {
    return (0,signed_call/* signedCall */.pA)(session, service, {
        method: 'POST',
        path: '/',
        headers: {
            'content-type': `application/x-amz-json-${service.version}`,
            'x-amz-target': `${service.target}.${command}`,
        },
        body: JSON.stringify(input),
        command,
        input,
    }, (answer) => {
        const refused = (0,signed_call/* jsonRefusal */.Nm)(answer, command, JsonServiceError, 'ThrottlingException');
        if (refused)
            throw refused;
        try {
            return JSON.parse(answer.body || '{}');
        }
        catch {
            throw new JsonServiceError('InvalidResponse', `${command} was answered with something that is not JSON`, {
                httpStatusCode: answer.status,
            });
        }
    }, JsonServiceError);
}
const sqsReads = {
    getQueueUrl: (session, input) => jsonCall(session, SQS, 'GetQueueUrl', input),
    getQueueAttributes: (session, input) => jsonCall(session, SQS, 'GetQueueAttributes', input),
    listQueueTags: (session, input) => jsonCall(session, SQS, 'ListQueueTags', input),
};
const eventReads = {
    listRules: (session, input) => jsonCall(session, EVENTS, 'ListRules', input),
    listRuleNamesByTarget: (session, input) => jsonCall(session, EVENTS, 'ListRuleNamesByTarget', input),
    listTagsForResource: (session, input) => jsonCall(session, EVENTS, 'ListTagsForResource', input),
};

;// CONCATENATED MODULE: ./src/resources/event-rule.ts






/**
 * What the interruption rules of one queue look like, read with two calls for all of them (the rules
 * under a name prefix, and the names of the rules that target the queue) instead of two per rule.
 */
class EventRuleReader {
    aws;
    namePrefix;
    targetArn;
    rules;
    targeting;
    constructor(aws, namePrefix, targetArn) {
        this.aws = aws;
        this.namePrefix = namePrefix;
        this.targetArn = targetArn;
    }
    rule(name) {
        this.rules ??= this.listRules();
        return this.rules.then((m) => m.get(name));
    }
    targetsQueue(name) {
        this.targeting ??= this.listTargeting();
        return this.targeting.then((s) => s.has(name));
    }
    async listRules() {
        const rules = await (0,calls/* paginate */.En)(async (NextToken) => {
            const page = await eventReads.listRules(this.aws, { NamePrefix: this.namePrefix, NextToken });
            return { items: page.Rules ?? [], next: page.NextToken };
        });
        const out = new Map();
        for (const r of rules) {
            if (r.Name)
                out.set(r.Name, { arn: r.Arn ?? '', eventPattern: r.EventPattern, state: r.State, description: r.Description });
        }
        return out;
    }
    async listTargeting() {
        const names = await (0,calls/* paginate */.En)(async (NextToken) => {
            const page = await eventReads.listRuleNamesByTarget(this.aws, { TargetArn: this.targetArn, NextToken });
            return { items: page.RuleNames ?? [], next: page.NextToken };
        });
        return new Set(names);
    }
}
/** An event pattern in a form where equal patterns compare equal: keys sorted, value lists sorted. */
function canonicalEventPattern(pattern) {
    if (pattern === undefined)
        return '';
    const value = typeof pattern === 'string' ? JSON.parse(pattern) : pattern;
    const sort = (v) => {
        if (Array.isArray(v)) {
            const items = v.map(sort);
            return items.every((i) => typeof i !== 'object' || i === null)
                ? [...items].sort((a, b) => String(a).localeCompare(String(b)))
                : items;
        }
        if (v && typeof v === 'object') {
            return Object.fromEntries(Object.keys(v)
                .sort()
                .map((k) => [k, sort(v[k])]));
        }
        return v;
    };
    return JSON.stringify(sort(value));
}
/** An EventBridge rule on the default bus that sends matching events to the interruption queue. */
class EventRule extends AwsResource {
    reader;
    kind = 'eventbridge rule';
    noun = 'rule';
    // PutRule creates or updates: a create never finds one already there.
    alreadyExists = [];
    constructor(aws, spec, reader) {
        super(aws, spec, { name: spec.name });
        this.reader = reader;
    }
    async read() {
        const [rule, targetsQueue] = await Promise.all([
            this.reader.rule(this.spec.name),
            this.reader.targetsQueue(this.spec.name),
        ]);
        if (!rule)
            return undefined;
        const tags = (0,calls/* tagMap */.lD)((await eventReads.listTagsForResource(this.aws, { ResourceARN: rule.arn })).Tags);
        if (!this.wanted && !isManaged(tags))
            return undefined;
        return { ...rule, targetsQueue, tags };
    }
    definition() {
        const s = this.spec;
        return { name: s.name, eventPattern: JSON.stringify(s.eventPattern), description: s.description };
    }
    targets() {
        return [{ id: this.spec.targetId, arn: this.spec.targetArn }];
    }
    creation() {
        const s = this.spec;
        return {
            fields: [field('eventPattern', undefined, s.eventPattern), field('target', undefined, s.targetArn)],
            input: { rule: { ...this.definition(), tags: this.createTags }, targets: this.targets() },
        };
    }
    differences(actual) {
        const s = this.spec;
        const rule = [];
        if (canonicalEventPattern(actual.eventPattern) !== canonicalEventPattern(s.eventPattern)) {
            const before = actual.eventPattern ? JSON.parse(actual.eventPattern) : undefined;
            rule.push(field('eventPattern', before, s.eventPattern));
        }
        if (actual.state !== 'ENABLED')
            rule.push(field('state', actual.state, 'ENABLED'));
        if ((actual.description ?? '') !== s.description)
            rule.push(field('description', actual.description, s.description));
        const ops = rule.length ? [{ op: 'put-rule', rule: this.definition() }] : [];
        if (actual.targetsQueue)
            return { fields: rule, ops };
        ops.push({ op: 'put-targets', targets: this.targets() });
        return { fields: [...rule, field('target', undefined, s.targetArn)], ops };
    }
    tagTarget(actual) {
        return actual.arn;
    }
    async create(input) {
        await this.perform({ op: 'put-rule', rule: input.rule });
        await this.perform({ op: 'put-targets', targets: input.targets });
    }
    async perform(op) {
        const events = await clients/* clients */.b2.events(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(612)]).then(__webpack_require__.t.bind(__webpack_require__, 6612, 19));
        if (op.op === 'put-rule') {
            const { name, eventPattern, description, tags } = op.rule;
            await events.send(new sdk.PutRuleCommand({
                Name: name,
                EventPattern: eventPattern,
                Description: description,
                State: 'ENABLED',
                ...(tags ? { Tags: (0,calls/* tagList */.Tw)(tags) } : {}),
            }));
            return;
        }
        const Targets = op.targets.map((t) => ({ Id: t.id, Arn: t.arn }));
        const out = await events.send(new sdk.PutTargetsCommand({ Rule: this.spec.name, Targets }));
        if (out.FailedEntryCount) {
            const why = out.FailedEntries?.map((f) => `${f.ErrorCode}: ${f.ErrorMessage}`).join('; ');
            throw new Error(`EventBridge refused the queue as target of ${this.spec.name}: ${why}`);
        }
    }
    async tag(ResourceARN, tags) {
        const events = await clients/* clients */.b2.events(this.aws);
        const { TagResourceCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(612)]).then(__webpack_require__.t.bind(__webpack_require__, 6612, 19));
        await events.send(new TagResourceCommand({ ResourceARN, Tags: (0,calls/* tagList */.Tw)(tags) }));
    }
    /** Removes the rule's targets (EventBridge refuses to delete a rule that has any), then the rule. */
    async destroy() {
        const events = await clients/* clients */.b2.events(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(612)]).then(__webpack_require__.t.bind(__webpack_require__, 6612, 19));
        const Rule = this.spec.name;
        try {
            const targets = await events.send(new sdk.ListTargetsByRuleCommand({ Rule }));
            const Ids = (targets.Targets ?? []).map((t) => t.Id).filter(Boolean);
            if (Ids.length)
                await events.send(new sdk.RemoveTargetsCommand({ Rule, Ids }));
            await events.send(new sdk.DeleteRuleCommand({ Name: Rule }));
        }
        catch (e) {
            if (!(0,calls/* isNotFound */.c4)(e))
                throw e;
        }
    }
}

;// CONCATENATED MODULE: ./src/aws/iam-query.ts
/**
 * The IAM reads a plan makes, as signed IAM Query requests of our own (src/aws/signed-call.ts): the SDK's IAM client,
 * with the SDK core and the credential chain every SDK client brings, is over a megabyte of code to load and run for
 * a dozen reads. The writes of an apply still go through the SDK's client.
 *
 * Inputs and answers keep the SDK's names and shapes (`Role.AssumeRolePolicyDocument` still URL-encoded,
 * `Tags: [{Key, Value}]`, `IsTruncated`/`Marker`), so the resources read them as they read the SDK's. IAM's
 * endpoint is global (iam.amazonaws.com, signed for us-east-1; its own host in the China and GovCloud partitions),
 * or the one AWS_ENDPOINT_URL_IAM / AWS_ENDPOINT_URL names. Errors carry IAM's code as `name` (NoSuchEntity...) and
 * the HTTP status in `$metadata`, as SDK errors do. Checked beside the SDK on moto in test/integration/aws-reads.test.ts.
 */




const IAM_API_VERSION = '2010-05-08';
/** IAM's refusal (its error code as `name`), or a failed exchange. */
class IamError extends calls/* AwsHttpError */.U3 {
}
/** IAM's endpoint and signing region for the session's partition (or the configured endpoint, signed for the region). */
function iamTarget(session, env = process.env) {
    const custom = (0,regions/* configuredEndpoint */.iw)('IAM', env, (message) => new Error(message));
    if (custom)
        return { url: custom, signingRegion: session.region };
    switch (session.partition) {
        case 'aws-cn':
            return { url: new URL('https://iam.cn-north-1.amazonaws.com.cn/'), signingRegion: 'cn-north-1' };
        case 'aws-us-gov':
            return { url: new URL('https://iam.us-gov.amazonaws.com/'), signingRegion: 'us-gov-west-1' };
        case 'aws':
            return { url: new URL('https://iam.amazonaws.com/'), signingRegion: 'us-east-1' };
        default:
            throw new Error(`IAM reads of our own know no endpoint for the partition ${session.partition}: set AWS_ENDPOINT_URL_IAM`);
    }
}
const iam_query_members = (list) => listMembers(list, 'member');
const structs = (list) => listStructs(list, 'member');
function strings(list) {
    return iam_query_members(list)
        .map(xml_text)
        .filter((s) => s !== undefined);
}
function iam_query_tags(list) {
    return structs(list).map((t) => ({ Key: xml_text(t.Key), Value: xml_text(t.Value) ?? '' }));
}
/** `Tags` as the SDK gives it: absent when the answer has no Tags element. */
function tagsIn(node) {
    return node.Tags === undefined ? {} : { Tags: iam_query_tags(node.Tags) };
}
function iam_query_page(result) {
    const marker = xml_text(result.Marker);
    return { IsTruncated: xml_text(result.IsTruncated) === 'true', ...(marker ? { Marker: marker } : {}) };
}
/** IAM's error answer: `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error><RequestId>..`. */
function iam_query_errorOf(status, doc) {
    const response = struct(doc?.ErrorResponse);
    const error = struct(response?.Error);
    const code = xml_text(error?.Code) ?? (status === 429 ? 'Throttling' : `HTTP${status}`);
    const message = xml_text(error?.Message) ?? `IAM answered ${status}`;
    const requestId = xml_text(response?.RequestId);
    return new IamError(code, message, { httpStatusCode: status, ...(requestId ? { requestId } : {}) });
}
/** One signed IAM Query request: the answer's `<Action>Result` element, or an IamError. */
async function iamCall(session, action, input) {
    const params = { Action: action, Version: IAM_API_VERSION };
    for (const [k, v] of Object.entries(input))
        if (v !== undefined)
            params[k] = v;
    const { url, signingRegion } = iamTarget(session);
    return (0,signed_call/* signedCall */.pA)(session, { endpointId: 'IAM', name: 'iam', endpoint: url }, {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: new URLSearchParams(params).toString(),
        command: action,
        input,
    }, async (answer) => {
        const doc = await parseXmlDocument(answer.body);
        if (answer.status !== 200)
            throw iam_query_errorOf(answer.status, doc);
        const result = struct(struct(doc?.[`${action}Response`])?.[`${action}Result`]);
        if (!result) {
            throw new IamError('InvalidResponse', `IAM answered ${action} without a ${action}Result`, {
                httpStatusCode: answer.status,
            });
        }
        return result;
    }, IamError, signingRegion);
}
function role(r) {
    const boundary = struct(r.PermissionsBoundary);
    return {
        RoleName: xml_text(r.RoleName),
        RoleId: xml_text(r.RoleId),
        Arn: xml_text(r.Arn),
        Path: xml_text(r.Path),
        AssumeRolePolicyDocument: xml_text(r.AssumeRolePolicyDocument),
        Description: xml_text(r.Description),
        ...(boundary
            ? {
                PermissionsBoundary: {
                    PermissionsBoundaryArn: xml_text(boundary.PermissionsBoundaryArn),
                    PermissionsBoundaryType: xml_text(boundary.PermissionsBoundaryType),
                },
            }
            : {}),
        ...tagsIn(r),
    };
}
function policy(p) {
    return {
        PolicyName: xml_text(p.PolicyName),
        PolicyId: xml_text(p.PolicyId),
        Arn: xml_text(p.Arn),
        Path: xml_text(p.Path),
        DefaultVersionId: xml_text(p.DefaultVersionId),
        Description: xml_text(p.Description),
        ...tagsIn(p),
    };
}
/** A List<Thing>Tags read: one page of tags. */
function tagListing(action) {
    return async (session, input) => {
        const r = await iamCall(session, action, input);
        return { Tags: iam_query_tags(r.Tags), ...iam_query_page(r) };
    };
}
/** The reads, each as the SDK's command of the same name answers (the fields the action reads). */
const iamReads = {
    async getRole(session, input) {
        const r = await iamCall(session, 'GetRole', input);
        const found = struct(r.Role);
        return found ? { Role: role(found) } : {};
    },
    async listAttachedRolePolicies(session, input) {
        const r = await iamCall(session, 'ListAttachedRolePolicies', input);
        return {
            AttachedPolicies: structs(r.AttachedPolicies).map((p) => ({
                PolicyName: xml_text(p.PolicyName),
                PolicyArn: xml_text(p.PolicyArn),
            })),
            ...iam_query_page(r),
        };
    },
    listRoleTags: tagListing('ListRoleTags'),
    async getInstanceProfile(session, input) {
        const r = await iamCall(session, 'GetInstanceProfile', input);
        const p = struct(r.InstanceProfile);
        if (!p)
            return {};
        return {
            InstanceProfile: {
                InstanceProfileName: xml_text(p.InstanceProfileName),
                InstanceProfileId: xml_text(p.InstanceProfileId),
                Arn: xml_text(p.Arn),
                Path: xml_text(p.Path),
                Roles: structs(p.Roles).map(role),
                ...tagsIn(p),
            },
        };
    },
    listInstanceProfileTags: tagListing('ListInstanceProfileTags'),
    async getPolicy(session, input) {
        const r = await iamCall(session, 'GetPolicy', input);
        const p = struct(r.Policy);
        return p ? { Policy: policy(p) } : {};
    },
    listPolicyTags: tagListing('ListPolicyTags'),
    async getPolicyVersion(session, input) {
        const r = await iamCall(session, 'GetPolicyVersion', input);
        const v = struct(r.PolicyVersion);
        if (!v)
            return {};
        return {
            PolicyVersion: {
                Document: xml_text(v.Document),
                VersionId: xml_text(v.VersionId),
                IsDefaultVersion: xml_text(v.IsDefaultVersion) === 'true',
            },
        };
    },
    async listPolicies(session, input) {
        const r = await iamCall(session, 'ListPolicies', input);
        return { Policies: structs(r.Policies).map(policy), ...iam_query_page(r) };
    },
    async getOpenIDConnectProvider(session, input) {
        const r = await iamCall(session, 'GetOpenIDConnectProvider', input);
        return {
            Url: xml_text(r.Url),
            ClientIDList: strings(r.ClientIDList),
            ThumbprintList: strings(r.ThumbprintList),
            ...tagsIn(r),
        };
    },
};

;// CONCATENATED MODULE: ./src/resources/iam-policy.ts







/** IAM keeps at most this many versions of a managed policy. */
const POLICY_VERSION_LIMIT = 5;
/**
 * A customer managed policy. Updates add a new default version. A policy that is no longer wanted is deleted only
 * when this action made or adopted it (tagged so): a stranger of the same name is left alone.
 */
class IamPolicy extends AwsResource {
    listing;
    kind = 'iam policy';
    noun = 'policy';
    constructor(aws, spec, listing) {
        super(aws, { ...spec, wanted: spec.document !== undefined }, { name: spec.name });
        this.listing = listing;
    }
    async read() {
        const PolicyArn = this.spec.arn;
        if (this.listing && !(await this.listing()).has(PolicyArn))
            return undefined;
        const policy = (await (0,calls/* ignoreNotFound */.Ko)(iamReads.getPolicy(this.aws, { PolicyArn })))?.Policy;
        if (!policy)
            return undefined;
        const tags = policy.Tags
            ? (0,calls/* tagMap */.lD)(policy.Tags)
            : (0,calls/* tagMap */.lD)((await iamReads.listPolicyTags(this.aws, { PolicyArn })).Tags);
        const defaultVersionId = policy.DefaultVersionId ?? 'v1';
        if (!this.wanted)
            return isManaged(tags) ? { arn: PolicyArn, defaultVersionId, document: '', tags } : undefined;
        const version = await iamReads.getPolicyVersion(this.aws, { PolicyArn, VersionId: defaultVersionId });
        return { arn: PolicyArn, defaultVersionId, document: version.PolicyVersion?.Document ?? '', tags };
    }
    creation() {
        const { name, path, description } = this.spec;
        const tags = this.createTags;
        const document = this.spec.document;
        return {
            fields: [field('document', undefined, displayPolicy(document))],
            input: { name, path, description, document: JSON.stringify(document), tags },
        };
    }
    differences(actual) {
        const doc = this.spec.document;
        if (actual.document && canonicalPolicyJson(actual.document) === canonicalPolicyJson(doc)) {
            return { fields: [], ops: [] };
        }
        return {
            fields: [
                field('document', displayPolicy(actual.document), displayPolicy(doc), {
                    detail: diffPolicies(actual.document, doc),
                }),
            ],
            ops: [{ op: 'new-version', arn: actual.arn, document: JSON.stringify(doc) }],
        };
    }
    tagTarget(actual) {
        return actual.arn;
    }
    async create(input) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { CreatePolicyCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new CreatePolicyCommand({
            PolicyName: input.name,
            Path: input.path,
            Description: input.description,
            PolicyDocument: input.document,
            Tags: (0,calls/* tagList */.Tw)(input.tags),
        }));
    }
    async perform(op) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        // Room for the new version: the oldest non-default versions go until it fits under IAM's limit.
        const versions = await this.versions(iam, op.arn);
        const old = versions
            .filter((v) => !v.isDefault)
            .sort((a, b) => a.created - b.created || versionNumber(a.id) - versionNumber(b.id));
        const excess = versions.length - (POLICY_VERSION_LIMIT - 1);
        for (const v of old.slice(0, Math.max(0, excess))) {
            await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn: op.arn, VersionId: v.id })));
        }
        await iam.send(new sdk.CreatePolicyVersionCommand({ PolicyArn: op.arn, PolicyDocument: op.document, SetAsDefault: true }));
    }
    async tag(PolicyArn, tags) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { TagPolicyCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new TagPolicyCommand({ PolicyArn, Tags: (0,calls/* tagList */.Tw)(tags) }));
    }
    async versions(iam, PolicyArn) {
        const { ListPolicyVersionsCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        return (0,calls/* paginate */.En)(async (Marker) => {
            const out = await iam.send(new ListPolicyVersionsCommand({ PolicyArn, Marker }));
            const versions = out.Versions?.map((v) => ({
                id: v.VersionId ?? '',
                isDefault: v.IsDefaultVersion === true,
                created: v.CreateDate?.getTime() ?? 0,
            }));
            return (0,calls/* iamPage */.vd)(versions, out);
        });
    }
    /** Detaches the policy from everything that holds it, deletes its old versions, then the policy. */
    async destroy(actual) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        const PolicyArn = actual.arn;
        const detachments = await (0,calls/* paginate */.En)(async (Marker) => {
            const out = await iam.send(new sdk.ListEntitiesForPolicyCommand({ PolicyArn, Marker }));
            const detach = [
                ...(out.PolicyRoles ?? []).map((r) => () => iam.send(new sdk.DetachRolePolicyCommand({ PolicyArn, RoleName: r.RoleName }))),
                ...(out.PolicyUsers ?? []).map((u) => () => iam.send(new sdk.DetachUserPolicyCommand({ PolicyArn, UserName: u.UserName }))),
                ...(out.PolicyGroups ?? []).map((g) => () => iam.send(new sdk.DetachGroupPolicyCommand({ PolicyArn, GroupName: g.GroupName }))),
            ];
            return (0,calls/* iamPage */.vd)(detach, out);
        });
        for (const detach of detachments)
            await (0,calls/* ignoreNotFound */.Ko)(detach());
        for (const v of (await this.versions(iam, PolicyArn)).filter((v) => !v.isDefault)) {
            await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DeletePolicyVersionCommand({ PolicyArn, VersionId: v.id })));
        }
        await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DeletePolicyCommand({ PolicyArn })));
    }
}
function versionNumber(id) {
    return Number(/\d+/.exec(id)?.[0] ?? 0);
}
/** Every customer managed policy ARN under `path`, listed once however many resources ask. */
function policyListing(aws, path) {
    let listed;
    return () => {
        listed ??= (async () => {
            const arns = await (0,calls/* paginate */.En)(async (Marker) => {
                const out = await iamReads.listPolicies(aws, { Scope: 'Local', PathPrefix: path, Marker });
                return (0,calls/* iamPage */.vd)(out.Policies.map((p) => p.Arn ?? ''), out);
            });
            return new Set(arns);
        })();
        return listed;
    };
}

;// CONCATENATED MODULE: ./src/resources/iam-role.ts







/** An IAM role: its trust policy, attached managed policies, permissions boundary and tags. */
class IamRole extends AwsResource {
    kind = 'iam role';
    noun = 'role';
    constructor(aws, spec) {
        super(aws, spec, { name: spec.name });
    }
    async read() {
        const RoleName = this.spec.name;
        const role = (await (0,calls/* ignoreNotFound */.Ko)(iamReads.getRole(this.aws, { RoleName })))?.Role;
        if (!role)
            return undefined;
        const [attached, tags] = await Promise.all([
            (0,calls/* paginate */.En)(async (Marker) => {
                const out = await iamReads.listAttachedRolePolicies(this.aws, { RoleName, Marker });
                return (0,calls/* iamPage */.vd)(out.AttachedPolicies.map((p) => p.PolicyArn), out);
            }),
            role.Tags ? (0,calls/* tagMap */.lD)(role.Tags) : iamReads.listRoleTags(this.aws, { RoleName }).then((o) => (0,calls/* tagMap */.lD)(o.Tags)),
        ]);
        return {
            arn: role.Arn,
            path: role.Path ?? '/',
            trustPolicy: role.AssumeRolePolicyDocument ?? '{}',
            attached: attached.sort(),
            tags,
            permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
        };
    }
    creation() {
        const s = this.spec;
        const fields = [
            field('assumeRolePolicy', undefined, displayPolicy(s.trustPolicy)),
            field('managedPolicies', undefined, [...s.managedPolicyArns].sort()),
        ];
        if (s.permissionsBoundary)
            fields.push(field('permissionsBoundary', undefined, s.permissionsBoundary));
        const input = {
            name: s.name,
            path: s.path,
            description: s.description,
            trustPolicy: JSON.stringify(s.trustPolicy),
            permissionsBoundary: s.permissionsBoundary,
            tags: this.createTags,
            attach: s.managedPolicyArns,
        };
        return { fields, input };
    }
    // An adopted role keeps its path: IAM cannot change it, and recreating the role would break its users. An adopted
    // role's trust policy keeps every statement it has, gaining only the ones Karpenter needs that it lacks; its
    // permissions boundary is left as it is (iam.permissionsBoundary is for the roles the action creates).
    differences(actual) {
        const s = this.spec;
        const fields = [];
        const ops = [];
        const adopted = this.adopted(actual);
        const trust = adopted ? withStatements(actual.trustPolicy, s.trustPolicy) : s.trustPolicy;
        if (canonicalPolicyJson(actual.trustPolicy) !== canonicalPolicyJson(trust)) {
            fields.push(field('assumeRolePolicy', displayPolicy(actual.trustPolicy), displayPolicy(trust), {
                detail: diffPolicies(actual.trustPolicy, trust),
            }));
            ops.push({ op: 'update-trust-policy', document: JSON.stringify(trust) });
        }
        const want = new Set(s.managedPolicyArns);
        const owned = new Set(s.ownedPolicyArns ?? []);
        const missing = s.managedPolicyArns.filter((a) => !actual.attached.includes(a));
        const extra = actual.attached.filter((a) => owned.has(a) && !want.has(a));
        if (missing.length || extra.length) {
            const after = [...actual.attached.filter((a) => !extra.includes(a)), ...missing].sort();
            fields.push(field('managedPolicies', actual.attached, after));
            ops.push(...missing.map((arn) => ({ op: 'attach-policy', arn })));
            ops.push(...extra.map((arn) => ({ op: 'detach-policy', arn })));
        }
        if (!adopted && s.permissionsBoundary && actual.permissionsBoundary !== s.permissionsBoundary) {
            fields.push(field('permissionsBoundary', actual.permissionsBoundary, s.permissionsBoundary));
            ops.push({ op: 'put-permissions-boundary', arn: s.permissionsBoundary });
        }
        return { fields, ops };
    }
    /** The managed policies this action attaches (and those it made and may have attached before). */
    ownPolicies() {
        return new Set([...this.spec.managedPolicyArns, ...(this.spec.ownedPolicyArns ?? [])]);
    }
    /**
     * A deletion leaves an adopted role, and one of the action's own that holds managed policies it did not attach
     * (IAM deletes no role with policies attached, and those are not the action's to detach).
     */
    keep(actual) {
        const adopted = super.keep(actual);
        if (adopted || !actual || this.spec.destroyAdopted)
            return adopted;
        const own = this.ownPolicies();
        const foreign = actual.attached.filter((a) => !own.has(a));
        return foreign.length ? `left: holds policies this action did not attach (${foreign.join(', ')})` : undefined;
    }
    tagTarget() {
        return this.spec.name;
    }
    async create(input) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { CreateRoleCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new CreateRoleCommand({
            RoleName: input.name,
            Path: input.path,
            Description: input.description,
            AssumeRolePolicyDocument: input.trustPolicy,
            PermissionsBoundary: input.permissionsBoundary,
            Tags: (0,calls/* tagList */.Tw)(input.tags),
        }));
        for (const arn of input.attach)
            await this.perform({ op: 'attach-policy', arn });
    }
    async perform(op) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        const RoleName = this.spec.name;
        if (op.op === 'update-trust-policy') {
            await iam.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName, PolicyDocument: op.document }));
        }
        else if (op.op === 'put-permissions-boundary') {
            await iam.send(new sdk.PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: op.arn }));
        }
        else if (op.op === 'attach-policy') {
            await iam.send(new sdk.AttachRolePolicyCommand({ RoleName, PolicyArn: op.arn }));
        }
        else {
            await iam.send(new sdk.DetachRolePolicyCommand({ RoleName, PolicyArn: op.arn }));
        }
    }
    async tag(RoleName, tags) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { TagRoleCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new TagRoleCommand({ RoleName, Tags: (0,calls/* tagList */.Tw)(tags) }));
    }
    /**
     * Deletes the role: first what IAM requires gone. Only what this action put there is taken off (the policies it
     * attaches, the instance profiles it created); with `destroyAdopted`, everything. A role that still holds
     * something else (an inline policy, another instance profile) is left, with the error naming them.
     */
    async destroy(actual) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        const RoleName = this.spec.name;
        const all = this.spec.destroyAdopted === true;
        const own = this.ownPolicies();
        for (const PolicyArn of actual.attached.filter((a) => all || own.has(a))) {
            await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DetachRolePolicyCommand({ RoleName, PolicyArn })));
        }
        const foreign = [];
        const inline = await iam.send(new sdk.ListRolePoliciesCommand({ RoleName }));
        for (const PolicyName of inline.PolicyNames ?? []) {
            if (all)
                await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DeleteRolePolicyCommand({ RoleName, PolicyName })));
            else
                foreign.push(`inline policy ${PolicyName}`);
        }
        const profiles = await iam.send(new sdk.ListInstanceProfilesForRoleCommand({ RoleName }));
        for (const p of profiles.InstanceProfiles ?? []) {
            const InstanceProfileName = p.InstanceProfileName;
            // The listing may leave tags out; GetInstanceProfile has them.
            const tags = async () => (0,calls/* tagMap */.lD)(p.Tags?.length
                ? p.Tags
                : (await iam.send(new sdk.GetInstanceProfileCommand({ InstanceProfileName }))).InstanceProfile?.Tags);
            if (all || isCreated(await tags())) {
                await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName })));
            }
            else
                foreign.push(`instance profile ${InstanceProfileName}`);
        }
        if (foreign.length) {
            throw new Error(`iam role ${RoleName} was created by this action but holds what it did not put there: ${foreign.join(', ')}. ` +
                'Left the role and those in place. Fix: remove them from the role and run destroy again, or set ' +
                '`destroyAdopted: true` to have destroy remove them too.');
        }
        await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.DeleteRoleCommand({ RoleName })));
    }
}
/**
 * `current` with each statement of `needed` it lacks appended (statements compared in canonical form, Sid aside);
 * `needed` as a whole when `current` cannot be read as a policy.
 */
function withStatements(current, needed) {
    let doc;
    try {
        doc = displayPolicy(current);
    }
    catch {
        return needed;
    }
    const key = (st) => JSON.stringify({ ...normalizeStatement(st), Sid: undefined });
    const have = new Set(statementsOf(doc).map(key));
    const missing = statementsOf(needed).filter((st) => !have.has(key(st)));
    if (!missing.length)
        return doc;
    return { ...doc, Version: doc.Version ?? POLICY_VERSION, Statement: [...statementsOf(doc), ...missing] };
}

;// CONCATENATED MODULE: ./src/resources/instance-profile.ts





/** The instance profile Karpenter's nodes launch with, holding the node role. */
class InstanceProfile extends AwsResource {
    kind = 'iam instance profile';
    noun = 'instance profile';
    constructor(aws, spec) {
        super(aws, spec, { name: spec.name });
    }
    async read() {
        const InstanceProfileName = this.spec.name;
        const profile = (await (0,calls/* ignoreNotFound */.Ko)(iamReads.getInstanceProfile(this.aws, { InstanceProfileName })))
            ?.InstanceProfile;
        if (!profile)
            return undefined;
        const tags = profile.Tags
            ? (0,calls/* tagMap */.lD)(profile.Tags)
            : (0,calls/* tagMap */.lD)((await iamReads.listInstanceProfileTags(this.aws, { InstanceProfileName })).Tags);
        return {
            arn: profile.Arn ?? '',
            roles: (profile.Roles ?? []).map((r) => r.RoleName ?? '').filter(Boolean),
            tags,
        };
    }
    creation() {
        const { name, path, roleName } = this.spec;
        const tags = this.createTags;
        return { fields: [field('role', undefined, roleName)], input: { name, path, tags, role: roleName } };
    }
    differences(actual) {
        const want = this.spec.roleName;
        if (actual.roles.length === 1 && actual.roles[0] === want)
            return { fields: [], ops: [] };
        const ops = actual.roles.filter((r) => r !== want).map((role) => ({ op: 'remove-role', role }));
        if (!actual.roles.includes(want))
            ops.push({ op: 'add-role', role: want });
        return { fields: [field('role', actual.roles.length ? actual.roles.join(', ') : undefined, want)], ops };
    }
    tagTarget() {
        return this.spec.name;
    }
    async create(input) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { CreateInstanceProfileCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        const { name: InstanceProfileName, path: Path, tags } = input;
        await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName, Path, Tags: (0,calls/* tagList */.Tw)(tags) }));
        await this.perform({ op: 'add-role', role: input.role });
    }
    async perform(op) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        const InstanceProfileName = this.spec.name;
        if (op.op === 'add-role') {
            await iam.send(new sdk.AddRoleToInstanceProfileCommand({ InstanceProfileName, RoleName: op.role }));
        }
        else {
            await (0,calls/* ignoreNotFound */.Ko)(iam.send(new sdk.RemoveRoleFromInstanceProfileCommand({ InstanceProfileName, RoleName: op.role })));
        }
    }
    async tag(InstanceProfileName, tags) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { TagInstanceProfileCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new TagInstanceProfileCommand({ InstanceProfileName, Tags: (0,calls/* tagList */.Tw)(tags) }));
    }
    async destroy(actual) {
        for (const role of actual.roles)
            await this.perform({ op: 'remove-role', role });
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { DeleteInstanceProfileCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await (0,calls/* ignoreNotFound */.Ko)(iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: this.spec.name })));
    }
}

;// CONCATENATED MODULE: ./src/resources/kube-object.ts





/**
 * One Kubernetes object applied with server-side apply under the action's field manager: a NodePool, an
 * EC2NodeClass, or an object of the user's extra manifests. Planned with a server-side dry run: the plan
 * compares the live object with what the API server says it would become, so defaults and fields others
 * own never show as changes, and the API server's validation runs at plan time.
 */
class KubeObjectResource extends ManagedResource {
    kube;
    spec;
    kind;
    constructor(kube, spec) {
        const ns = spec.object.metadata.namespace;
        const name = ns ? `${ns}/${spec.object.metadata.name}` : spec.object.metadata.name;
        super({ id: spec.id, name, dependsOn: spec.dependsOn, wanted: spec.wanted });
        this.kube = kube;
        this.spec = spec;
        this.kind = spec.kind;
    }
    exists(read) {
        return read.live !== undefined;
    }
    async read() {
        const check = this.wanted && this.spec.validator ? this.spec.validator.check(this.spec.object) : undefined;
        const [live, checked] = await Promise.all([this.kube.get((0,types/* refOf */.H8)(this.spec.object)), check]);
        return { ...(live ? { live } : {}), ...(checked ? { check: checked } : {}) };
    }
    /** The live object's resourceVersion is the one read (or it is still absent): one GET, no dry run. */
    async unchanged(read) {
        const live = await this.kube.get((0,types/* refOf */.H8)(this.spec.object));
        return live?.metadata.resourceVersion === read.live?.metadata.resourceVersion && !live === !read.live;
    }
    diff({ live, check }) {
        const ops = [{ op: 'apply', object: this.spec.object }];
        const note = check && check.by !== 'api-server' ? check.note : undefined;
        if (!live)
            return decide(false, secretData(this.spec.object, creationFields(comparable(redact(this.spec.object)))), ops, note);
        const adopt = (0,types/* isOwned */.go)(live)
            ? undefined
            : `adopting the existing ${this.spec.object.kind} (not created by this action)`;
        const wouldBe = check?.by === 'api-server' ? check.result : undefined;
        // Served kinds are always dry-run; without a result there is nothing sound to compare.
        if (!wouldBe)
            return decide(true, [], [], [adopt, note].filter(Boolean).join('; ') || undefined);
        const fields = secretData(this.spec.object, diffValues(comparable(redact(live)), comparable(redact(wouldBe))));
        return decide(true, fields, ops, adopt);
    }
    async apply(ops) {
        for (const op of ops)
            await this.kube.apply(op.object);
    }
    async destroy() {
        const ref = (0,types/* refOf */.H8)(this.spec.object);
        await deleteAndWait(this.kube, ref, this.spec.timeout, {
            afterDelete: this.spec.afterDelete,
            why: () => `${objectKey(this.spec.object)} still exists (a finalizer holds it)`,
        });
    }
}
/**
 * Deletes an object and waits, bounded by `timeout` (karpenter.timeout), until it is gone; `afterDelete` waits for
 * what must go first (a NodePool's NodeClaims).
 */
async function deleteAndWait(kube, ref, timeout, opts) {
    const deadline = Date.now() + durationMs(timeout);
    await kube.delete(ref);
    await opts.afterDelete?.(kube, deadline);
    await waitUntil(deadline, async () => !(await kube.get(ref)), () => `${opts.why()} after karpenter.timeout (${timeout})`);
}
/** A Secret's data and stringData never show, not even as digests (a short hash of a weak secret can be guessed). */
function secretData(o, fields) {
    if (o.kind !== 'Secret')
        return fields;
    return fields.map((f) => (/^(?:data|stringData)\b/.test(f.path) ? { ...f, sensitive: true } : f));
}
/** What the plan compares: every top-level field but status, and the labels and annotations. */
function comparable(o) {
    const out = {};
    for (const [k, v] of Object.entries(o)) {
        if (k === 'apiVersion' || k === 'kind' || k === 'status' || k === 'metadata')
            continue;
        out[k] = v;
    }
    const { labels, annotations } = o.metadata;
    const metadata = {};
    if (labels && Object.keys(labels).length)
        metadata.labels = labels;
    if (annotations && Object.keys(annotations).length) {
        // Annotations the API machinery writes are not the user's intent.
        const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'));
        if (Object.keys(kept).length)
            metadata.annotations = kept;
    }
    if (Object.keys(metadata).length)
        out.metadata = metadata;
    return out;
}
/** Polls `done` every second until it is true; past the deadline throws with `why()`. */
async function waitUntil(deadline, done, why) {
    for (;;) {
        if (await done())
            return;
        if (Date.now() > deadline)
            throw new Error(why());
        await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(50, deadline - Date.now()))));
    }
}

;// CONCATENATED MODULE: ./src/resources/manifests.ts





/** Kinds applied before the rest of the extra manifests (what the others may live in or be instances of). */
const FOUNDATION_KINDS = new Set(['Namespace', 'CustomResourceDefinition']);
/**
 * The user's own manifests (karpenter.extraManifests): every .yaml/.yml/.json file of the folder and its
 * sub-folders, in path order. Each object gets the action's label, so that NodePools and EC2NodeClasses
 * among them are deleted like the action's own when they leave the folder. Namespaced objects must name
 * their namespace (nothing is guessed).
 */
function loadExtraManifests(folder, cwd = process.cwd()) {
    const key = 'karpenter.extraManifests';
    const root = (0,external_node_path_.isAbsolute)(folder) ? folder : (0,external_node_path_.resolve)(cwd, folder);
    if (!(0,external_node_fs_.existsSync)(root) || !(0,external_node_fs_.statSync)(root).isDirectory()) {
        throw new outcome/* ActionFailure */.dR('config', `${key}: the folder ${folder} does not exist (relative paths start at ${cwd}). Fix: commit it, or remove ${key}.`);
    }
    const files = [];
    const walk = (dir) => {
        for (const entry of (0,external_node_fs_.readdirSync)(dir).sort()) {
            const full = (0,external_node_path_.join)(dir, entry);
            if ((0,external_node_fs_.statSync)(full).isDirectory())
                walk(full);
            else if (/\.(ya?ml|json)$/i.test(entry))
                files.push(full);
        }
    };
    walk(root);
    const out = [];
    const seen = new Map();
    for (const file of files) {
        const name = `${key} ${(0,external_node_path_.relative)(cwd, file)}`;
        let objects;
        try {
            objects = parseObjects((0,external_node_fs_.readFileSync)(file, 'utf8'), name);
        }
        catch (e) {
            throw new outcome/* ActionFailure */.dR('config', `${e.message}. Fix: correct the file.`);
        }
        for (const o of objects) {
            const k = `${o.apiVersion} ${objectKey(o)}`;
            const before = seen.get(k);
            if (before)
                throw new outcome/* ActionFailure */.dR('config', `${name}: ${objectKey(o)} is also defined in ${before}. Fix: keep one.`);
            seen.set(k, name);
            out.push({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...(0,types/* ownedLabels */.X9)() } } });
        }
    }
    return out;
}

;// CONCATENATED MODULE: ./src/resources/namespace.ts






/** Whether the namespace found was created by this action (the annotation its create sets; never set on adoption). */
function createdByAction(ns) {
    return ns.metadata.annotations?.[CREATED_TAG] === CREATED_TAG_VALUE;
}
/**
 * The namespace Karpenter runs in, labelled as managed by this action. One it creates is also annotated as created by
 * it; one that existed (a shared namespace) is adopted: labelled, and left by a destroy unless `destroyAdopted`.
 */
class Namespace extends ManagedResource {
    kube;
    spec;
    kind = 'namespace';
    constructor(kube, spec) {
        super(spec);
        this.kube = kube;
        this.spec = spec;
    }
    read() {
        return this.kube.get({ ...types/* NAMESPACE */.CU, name: this.name });
    }
    diff(actual) {
        const created = !actual || createdByAction(actual);
        const metadata = {
            name: this.name,
            labels: (0,types/* ownedLabels */.X9)(),
            ...(created ? { annotations: { [CREATED_TAG]: CREATED_TAG_VALUE } } : {}),
        };
        const ops = [{ op: 'apply', object: { ...types/* NAMESPACE */.CU, metadata } }];
        const path = `metadata.labels.${types/* MANAGED_BY_LABEL */.lT}`;
        if (!actual)
            return decide(false, [field(path, undefined, types/* MANAGED_BY_VALUE */.Q9)], ops);
        const label = actual.metadata.labels?.[types/* MANAGED_BY_LABEL */.lT];
        if (label === types/* MANAGED_BY_VALUE */.Q9)
            return decide(true, [], []);
        const note = created ? undefined : 'adopting the existing namespace';
        return decide(true, [field(path, label, types/* MANAGED_BY_VALUE */.Q9)], ops, note);
    }
    /** A destroy leaves a namespace the action did not create (a shared one), unless `destroyAdopted`. */
    keep(actual) {
        if (!actual || this.spec.destroyAdopted)
            return undefined;
        return createdByAction(actual) ? undefined : LEFT_ADOPTED;
    }
    async apply(ops) {
        for (const op of ops)
            await this.kube.apply(op.object);
    }
    /** Deletes the namespace and waits (bounded by karpenter.timeout) until its contents are gone. */
    async destroy() {
        await deleteAndWait(this.kube, { ...types/* NAMESPACE */.CU, name: this.name }, this.spec.timeout, {
            why: () => `namespace ${this.name} is still terminating`,
        });
    }
}

// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
;// CONCATENATED MODULE: ./src/kube/template.ts



/**
 * The YAML templates of `manifests/` (the NodePool and the EC2NodeClass the config fills in).
 *
 * They are read at run time from the action's own checkout rather than embedded in the bundle: GitHub
 * downloads the whole repository of an action, so `manifests/` sits beside `dist/`, and the files stay
 * plain reviewable YAML with no build step between them and what runs. The folder is found relative to
 * this module: `dist/index.js` → `../manifests/` in the bundle, `src/kube/template.ts` → `../../manifests/`
 * in tests. `KARPENTER_ACTION_MANIFESTS` overrides it (a fork's own templates, or tests).
 */
function manifestsDir() {
    const override = process.env.KARPENTER_ACTION_MANIFESTS;
    if (override)
        return override;
    // Built from a list so that the bundler leaves these URLs alone (it would try to bundle a literal one).
    const candidates = ['../manifests/', '../../manifests/'];
    for (const rel of candidates) {
        const dir = (0,external_node_url_.fileURLToPath)(new URL(rel, import.meta.url));
        if ((0,external_node_fs_.existsSync)(`${dir}nodepool.yaml`))
            return dir;
    }
    throw new Error(`the manifest templates (manifests/nodepool.yaml) are not beside the action (looked in ${candidates.join(', ')} from ${import.meta.url}); the action's checkout is incomplete`);
}
const cache = new Map();
/** A template of `manifests/`, parsed (not yet filled). */
function loadTemplate(file) {
    const path = `${manifestsDir()}${file}`;
    let doc = cache.get(path);
    if (doc === undefined) {
        doc = (0,dist/* parse */.qg)((0,external_node_fs_.readFileSync)(path, 'utf8'));
        cache.set(path, doc);
    }
    return doc;
}
const PLACEHOLDER = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/;
/** Thrown for a placeholder the caller gave no entry for at all (a typo in a template). */
class TemplateError extends Error {
}
/**
 * Fills a parsed template. A string that is exactly `${name}` becomes `vars[name]`, whatever its type.
 * `vars[name] === undefined` removes the key holding it, and a list item that contained one is removed
 * whole. A name missing from `vars` altogether is an error (so a template typo cannot pass silently).
 */
function fillTemplate(template, vars) {
    const DROP = Symbol('drop');
    const walk = (node) => {
        if (typeof node === 'string') {
            const m = PLACEHOLDER.exec(node);
            if (!m)
                return node;
            if (!(m[1] in vars))
                throw new TemplateError(`the template uses \${${m[1]}}, which has no value`);
            const v = vars[m[1]];
            return v === undefined ? DROP : structuredClone(v);
        }
        if (Array.isArray(node)) {
            const out = [];
            for (const item of node) {
                const dropped = { any: false };
                const v = walkItem(item, dropped);
                if (v !== DROP && !dropped.any)
                    out.push(v);
            }
            return out;
        }
        if (node && typeof node === 'object')
            return walkMap(node, { any: false });
        return node;
    };
    // Inside a list item, remember whether any placeholder below it was dropped.
    const walkItem = (node, dropped) => {
        if (node && typeof node === 'object' && !Array.isArray(node))
            return walkMap(node, dropped);
        return walk(node);
    };
    // A mapping left empty by dropped placeholders goes too (`metadata: {labels: ${nodeLabels}}` without labels).
    const walkMap = (node, dropped) => {
        const out = {};
        let removed = false;
        for (const [k, v] of Object.entries(node)) {
            const filled = v && typeof v === 'object' && !Array.isArray(v) ? walkMap(v, dropped) : walk(v);
            if (filled === DROP) {
                dropped.any = true;
                removed = true;
            }
            else
                out[k] = filled;
        }
        return removed && Object.keys(out).length === 0 ? DROP : out;
    };
    return walk(template);
}
/** Loads and fills a template of `manifests/` that describes one Kubernetes object. */
function renderTemplate(file, vars) {
    const o = fillTemplate(loadTemplate(file), vars);
    if (!o?.apiVersion || !o.kind || !o.metadata?.name) {
        throw new TemplateError(`manifests/${file} did not give an object with apiVersion, kind and metadata.name`);
    }
    return o;
}

;// CONCATENATED MODULE: ./src/resources/nodepool.ts


/** The NodePool of one `nodePools` entry, from manifests/nodepool.yaml. */
function nodePoolObject(np) {
    return renderTemplate('nodepool.yaml', {
        name: np.name,
        objectLabels: (0,types/* ownedLabels */.X9)(),
        nodeLabels: nonEmpty(np.labels),
        nodeClassName: np.name,
        instanceTypes: np.instanceTypes,
        architectures: np.architectures,
        zones: np.zones,
        capacityTypes: np.capacityTypes,
        taints: np.taints?.length ? np.taints : undefined,
        expireAfter: np.expireAfter,
        consolidationPolicy: np.consolidationPolicy,
        consolidateAfter: np.consolidateAfter,
        limits: nonEmpty(np.limits),
        weight: np.weight,
    });
}
/** The EC2NodeClass of one `nodePools` entry, from manifests/ec2nodeclass.yaml. */
function ec2NodeClassObject(np, config) {
    return renderTemplate('ec2nodeclass.yaml', {
        name: np.name,
        objectLabels: (0,types/* ownedLabels */.X9)(),
        instanceProfile: config.iam.instanceProfile,
        amiAlias: np.amiAlias,
        subnetSelectorTerms: selectorTerms(np.subnetSelector, np.subnetIds),
        securityGroupSelectorTerms: selectorTerms(np.securityGroupSelector, np.securityGroupIds),
        tags: nonEmpty({ ...config.tags, ...np.tags }),
    });
}
/** `{tags: {...}}` for a tag selector, one `{id}` term per id otherwise. */
function selectorTerms(tags, ids) {
    if (tags && Object.keys(tags).length)
        return [{ tags }];
    if (ids?.length)
        return ids.map((id) => ({ id }));
    return undefined;
}
function nonEmpty(o) {
    return o && Object.keys(o).length ? o : undefined;
}

;// CONCATENATED MODULE: ./src/resources/oidc-provider.ts





/** The audience EKS puts in projected service-account tokens for IRSA. */
const IRSA_AUDIENCE = 'sts.amazonaws.com';
/**
 * The account's IAM OIDC identity provider for the cluster's issuer, which IRSA trust policies name.
 * Created when missing, adopted when present (only the `sts.amazonaws.com` audience and the tags are added).
 * No thumbprint is sent: IAM then takes it from the issuer's certificate chain itself (the parameter is
 * optional), which stays right when the certificate changes, where a pinned value would go stale.
 * Kept on destroy: every IRSA role of the cluster (not only Karpenter's) depends on it.
 */
class OidcProvider extends AwsResource {
    kind = 'iam oidc provider';
    noun = 'OIDC provider';
    constructor(aws, spec) {
        super(aws, spec, { name: spec.issuerHostPath, keepOnDestroy: true });
    }
    async read() {
        const out = await (0,calls/* ignoreNotFound */.Ko)(iamReads.getOpenIDConnectProvider(this.aws, { OpenIDConnectProviderArn: this.spec.arn }));
        if (!out)
            return undefined;
        return { clientIds: [...(out.ClientIDList ?? [])].sort(), tags: (0,calls/* tagMap */.lD)(out.Tags) };
    }
    creation() {
        const url = `https://${this.spec.issuerHostPath}`;
        return {
            fields: [field('url', undefined, url), field('clientIds', undefined, [IRSA_AUDIENCE])],
            input: { url, clientIds: [IRSA_AUDIENCE], tags: this.createTags },
        };
    }
    differences(actual) {
        if (actual.clientIds.includes(IRSA_AUDIENCE))
            return { fields: [], ops: [] };
        return {
            fields: [field('clientIds', actual.clientIds, [...actual.clientIds, IRSA_AUDIENCE].sort())],
            ops: [{ op: 'add-client-id', clientId: IRSA_AUDIENCE }],
        };
    }
    tagTarget() {
        return this.spec.arn;
    }
    async create(input) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { CreateOpenIDConnectProviderCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new CreateOpenIDConnectProviderCommand({
            Url: input.url,
            ClientIDList: input.clientIds,
            Tags: (0,calls/* tagList */.Tw)(input.tags),
        }));
    }
    async perform(op) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { AddClientIDToOpenIDConnectProviderCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn, ClientID: op.clientId }));
    }
    async tag(OpenIDConnectProviderArn, tags) {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { TagOpenIDConnectProviderCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await iam.send(new TagOpenIDConnectProviderCommand({ OpenIDConnectProviderArn, Tags: (0,calls/* tagList */.Tw)(tags) }));
    }
    async destroy() {
        const iam = await clients/* clients */.b2.iam(this.aws);
        const { DeleteOpenIDConnectProviderCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(764)]).then(__webpack_require__.t.bind(__webpack_require__, 6764, 19));
        await (0,calls/* ignoreNotFound */.Ko)(iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: this.spec.arn })));
    }
}

;// CONCATENATED MODULE: ./src/resources/other-karpenter.ts



const KARPENTER_NAME_LABEL = 'app.kubernetes.io/name=karpenter';
function releaseOf(o) {
    const a = o.metadata.annotations ?? {};
    return { namespace: a[HELM_RELEASE_NAMESPACE], release: a[HELM_RELEASE_NAME] };
}
/** The installations the Deployments and ClusterRoles of Karpenter's chart show, by release. */
function installations(deployments, clusterRoles, crd) {
    const found = new Map();
    const add = (namespace, release, what) => {
        const key = `${namespace}/${release ?? ''}`;
        const i = found.get(key) ?? { namespace, ...(release ? { release } : {}), evidence: [] };
        i.evidence.push(what);
        found.set(key, i);
    };
    for (const d of deployments) {
        const owner = releaseOf(d);
        add(owner.namespace ?? d.metadata.namespace ?? 'default', owner.release, `Deployment ${d.metadata.namespace}/${d.metadata.name}`);
    }
    for (const r of clusterRoles) {
        const owner = releaseOf(r);
        // A ClusterRole has no namespace of its own: without Helm's annotations it names no installation.
        if (owner.namespace && owner.release)
            add(owner.namespace, owner.release, `ClusterRole ${r.metadata.name}`);
    }
    const crdOwner = crd ? releaseOf(crd) : {};
    if (crdOwner.namespace && crdOwner.release) {
        // The CRDs' release (karpenter-crd) lives beside the controller: name it with the installation of its namespace.
        for (const i of found.values()) {
            if (i.namespace === crdOwner.namespace)
                i.evidence.push(`its CRDs belong to helm release ${crdOwner.namespace}/${crdOwner.release}`);
        }
    }
    return [...found.values()];
}
/**
 * The plan-time refusal: undefined when no Karpenter other than the configured one is installed; otherwise the error
 * (reason `other-karpenter`) with the exact config change that adopts it, or what to remove.
 */
function otherKarpenterProblem(found, configured) {
    const others = found.filter((i) => !(i.namespace === configured.namespace && i.release === configured.release));
    if (!others.length)
        return undefined;
    const describe = (i) => `${i.release ? `helm release ${i.namespace}/${i.release}` : `a Karpenter in ${i.namespace} that Helm does not manage`} (${i.evidence.join(', ')})`;
    const helm = others.filter((i) => i.release);
    const plain = others.filter((i) => !i.release);
    const fixes = [];
    if (helm.length === 1 && !plain.length) {
        const [i] = helm;
        fixes.push(`to manage that one, set karpenter.namespace: ${i.namespace} and karpenter.release: ${i.release} in the config ` +
            `(it is then adopted and upgraded in place); or uninstall it first (\`helm uninstall ${i.release} -n ${i.namespace}\`)`);
    }
    else {
        fixes.push(`keep one: uninstall the others (${helm.map((i) => `\`helm uninstall ${i.release} -n ${i.namespace}\``).join(', ') || 'none by Helm'}), ` +
            'then set karpenter.namespace and karpenter.release to the one kept');
    }
    if (plain.length)
        fixes.push(`remove what Helm does not manage (${plain.flatMap((i) => i.evidence).join(', ')}): this action installs Karpenter with Helm only`);
    return new outcome/* ActionFailure */.dR('other-karpenter', `another Karpenter is installed in this cluster: ${others.map(describe).join('; ')}. ` +
        `The config asks for helm release ${configured.namespace}/${configured.release}, and two Karpenter controllers ` +
        'would fight over the same NodePools and nodes (Helm would also refuse the second release halfway through an apply). ' +
        `Fix: ${fixes.join('; ')}. Nothing was changed.`);
}
/** Reads what shows an installed Karpenter (concurrently, through the API) and refuses another one. */
async function refuseOtherKarpenter(kube, configured) {
    const [deployments, clusterRoles, crd] = await Promise.all([
        kube.list(types/* DEPLOYMENT */.uH, KARPENTER_NAME_LABEL),
        kube.list(types/* CLUSTERROLE */.P3, KARPENTER_NAME_LABEL),
        kube.get({ ...types/* CRD */.mm, name: 'nodepools.karpenter.sh' }),
    ]);
    const problem = otherKarpenterProblem(installations(deployments, clusterRoles, crd), configured);
    if (problem)
        throw problem;
}

;// CONCATENATED MODULE: ./src/resources/pod-identity.ts





/** The EKS Pod Identity association that hands the controller role to Karpenter's service account. */
class PodIdentityAssociation extends AwsResource {
    kind = 'eks pod identity association';
    noun = 'association';
    alreadyExists = ['ResourceInUseException'];
    constructor(aws, spec) {
        super(aws, spec, { name: `${spec.namespace}/${spec.serviceAccount}` });
    }
    async read() {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const sdk = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        const { clusterName, namespace, serviceAccount } = this.spec;
        const listed = await eks.send(new sdk.ListPodIdentityAssociationsCommand({ clusterName, namespace, serviceAccount }));
        // EKS allows one association per service account.
        const summary = (listed.associations ?? []).find((a) => a.namespace === namespace && a.serviceAccount === serviceAccount);
        if (!summary?.associationId)
            return undefined;
        const { associationId } = summary;
        const out = await (0,calls/* ignoreNotFound */.Ko)(eks.send(new sdk.DescribePodIdentityAssociationCommand({ clusterName, associationId })));
        const a = out?.association;
        if (!a)
            return undefined;
        return {
            associationId,
            arn: a.associationArn ?? summary.associationArn ?? '',
            roleArn: a.roleArn ?? '',
            tags: a.tags ?? {},
        };
    }
    creation() {
        const { clusterName, namespace, serviceAccount, roleArn } = this.spec;
        const tags = this.createTags;
        return {
            fields: [field('roleArn', undefined, roleArn)],
            input: { clusterName, namespace, serviceAccount, roleArn, tags },
        };
    }
    differences(actual) {
        const { roleArn } = this.spec;
        if (actual.roleArn === roleArn)
            return { fields: [], ops: [] };
        return {
            fields: [field('roleArn', actual.roleArn, roleArn)],
            ops: [{ op: 'update-role', associationId: actual.associationId, roleArn }],
        };
    }
    tagTarget(actual) {
        return actual.arn;
    }
    async create(input) {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { CreatePodIdentityAssociationCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        await eks.send(new CreatePodIdentityAssociationCommand(input));
    }
    async perform(op) {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { UpdatePodIdentityAssociationCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        const { associationId, roleArn } = op;
        await eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: this.spec.clusterName, associationId, roleArn }));
    }
    async tag(resourceArn, tags) {
        await tagEksResource(this.aws, resourceArn, tags);
    }
    async destroy(actual) {
        const eks = await clients/* clients */.b2.eks(this.aws);
        const { DeletePodIdentityAssociationCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(524)]).then(__webpack_require__.t.bind(__webpack_require__, 4524, 19));
        const { associationId } = actual;
        await (0,calls/* ignoreNotFound */.Ko)(eks.send(new DeletePodIdentityAssociationCommand({ clusterName: this.spec.clusterName, associationId })));
    }
}

;// CONCATENATED MODULE: ./src/resources/sqs-queue.ts







/** An SQS queue: its attributes, resource policy and tags. */
class SqsQueue extends AwsResource {
    kind = 'sqs queue';
    noun = 'queue';
    // Exists with other attributes (made meanwhile, or by an interrupted run): SQS says so with these.
    alreadyExists = ['QueueAlreadyExists', 'QueueNameExists'];
    constructor(aws, spec) {
        super(aws, spec, { name: spec.name });
    }
    async read() {
        const url = (await (0,calls/* ignoreNotFound */.Ko)(sqsReads.getQueueUrl(this.aws, { QueueName: this.spec.name })))?.QueueUrl;
        if (!url)
            return undefined;
        const [attributes, tags] = await Promise.all([
            sqsReads.getQueueAttributes(this.aws, { QueueUrl: url, AttributeNames: ['All'] }),
            sqsReads.listQueueTags(this.aws, { QueueUrl: url }),
        ]);
        const actual = { url, attributes: attributes.Attributes ?? {}, tags: tags.Tags ?? {} };
        // A queue of that name this action neither made nor adopted is not its to delete.
        if (!this.wanted && !isManaged(actual.tags))
            return undefined;
        return actual;
    }
    /** The attributes (and policy) that differ from the desired ones, as SetQueueAttributes wants them, with their fields. */
    changed(actual) {
        const attributes = {};
        const fields = [];
        for (const [k, v] of Object.entries(this.spec.attributes)) {
            if (actual?.attributes[k] === v)
                continue;
            attributes[k] = v;
            fields.push(field(k, actual?.attributes[k], v));
        }
        const before = actual?.attributes.Policy;
        if (!before || canonicalPolicyJson(before) !== canonicalPolicyJson(this.spec.policy)) {
            attributes.Policy = JSON.stringify(this.spec.policy);
            fields.push(field('Policy', before ? displayPolicy(before) : undefined, displayPolicy(this.spec.policy), {
                detail: before ? diffPolicies(before, this.spec.policy) : undefined,
            }));
        }
        return { attributes, fields };
    }
    creation() {
        const { fields, attributes } = this.changed(undefined);
        return { fields, input: { name: this.spec.name, attributes, tags: this.createTags } };
    }
    differences(actual) {
        const { fields, attributes } = this.changed(actual);
        return { fields, ops: fields.length ? [{ op: 'set-attributes', url: actual.url, attributes }] : [] };
    }
    tagTarget(actual) {
        return actual.url;
    }
    async create(input) {
        const sqs = await clients/* clients */.b2.sqs(this.aws);
        const { CreateQueueCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(868)]).then(__webpack_require__.t.bind(__webpack_require__, 8868, 19));
        await sqs.send(new CreateQueueCommand({ QueueName: input.name, Attributes: input.attributes, tags: input.tags }));
    }
    async perform(op) {
        const sqs = await clients/* clients */.b2.sqs(this.aws);
        const { SetQueueAttributesCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(868)]).then(__webpack_require__.t.bind(__webpack_require__, 8868, 19));
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: op.url, Attributes: op.attributes }));
    }
    async tag(QueueUrl, Tags) {
        const sqs = await clients/* clients */.b2.sqs(this.aws);
        const { TagQueueCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(868)]).then(__webpack_require__.t.bind(__webpack_require__, 8868, 19));
        await sqs.send(new TagQueueCommand({ QueueUrl, Tags }));
    }
    async destroy(actual) {
        const sqs = await clients/* clients */.b2.sqs(this.aws);
        const { DeleteQueueCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(868)]).then(__webpack_require__.t.bind(__webpack_require__, 8868, 19));
        await (0,calls/* ignoreNotFound */.Ko)(sqs.send(new DeleteQueueCommand({ QueueUrl: actual.url })));
    }
}

;// CONCATENATED MODULE: ./src/graph.ts
/**
 * The desired-state graph: every resource the configuration asks for, across AWS and Kubernetes, with what each
 * depends on. Dependencies are the resources themselves (their typed ids), never names looked up by string.
 *
 *   node role ─► instance profile ─────────────────────────────┐
 *   controller policies ─► controller role ─► pod identity ──┐   │
 *   (irsa) OIDC provider ─┘                                  │   │
 *   interruption queue ─► event rules                        │   │
 *   node role ─► access entry | aws-auth mapping ────────────┼───┤
 *   namespace ─► CRD release ─► Karpenter release ◄──────────┘   │
 *                                 └─► EC2NodeClass ◄─────────────┘ ─► NodePool;  extra manifests after the release
 */
























/** The service account the Karpenter chart creates (and the controller role trusts), unless karpenter.values names one. */
const KARPENTER_SERVICE_ACCOUNT = 'karpenter';
/**
 * The name of the controller's service account: the one `karpenter.values.serviceAccount.name` gives, else
 * `karpenter`. The chart is always given this name (its own default is the release's full name, `<release>-karpenter`
 * for a release not containing "karpenter"), and the controller role's trust (IRSA) or the Pod Identity association
 * names the same account: the two can never disagree.
 */
function karpenterServiceAccount(config) {
    const sa = config.karpenter.values.serviceAccount;
    return typeof sa?.name === 'string' && sa.name.trim() ? sa.name : KARPENTER_SERVICE_ACCOUNT;
}
/**
 * How many controller policies are looked for, at most: the ones the permissions need now are managed,
 * the others up to this number are deleted if this action made them (the set shrank). IAM attaches at
 * most 10 managed policies to a role by default.
 */
const MAX_CONTROLLER_POLICIES = 8;
/** Every resource id of the graph. */
const ids = {
    nodeRole: resourceId('iam-role', 'node'),
    instanceProfile: resourceId('iam-instance-profile', 'node'),
    controllerPolicy: (index) => resourceId('iam-policy', index === 0 ? 'controller' : `controller-${index + 1}`),
    oidcProvider: resourceId('iam-oidc-provider', 'cluster'),
    controllerRole: resourceId('iam-role', 'controller'),
    podIdentity: resourceId('eks-pod-identity', 'controller'),
    queue: resourceId('sqs-queue', 'interruption'),
    rule: (kind) => resourceId('event-rule', kind),
    accessEntry: resourceId('eks-access-entry', 'node'),
    awsAuth: resourceId('aws-auth', 'node'),
    namespace: (ns) => resourceId('namespace', ns),
    crdRelease: (release) => resourceId('helm-release', `${release}-crd`),
    release: (release) => resourceId('helm-release', release),
    nodeClass: (name) => resourceId('ec2nodeclass', name),
    nodePool: (name) => resourceId('nodepool', name),
    manifest: (o) => resourceId('manifest', `${o.kind.toLowerCase()}.${o.metadata.namespace ? `${o.metadata.namespace}.` : ''}${o.metadata.name}`),
};
/** The resources the configuration asks for. */
function desiredResources(ctx, options = {}) {
    const { resources, addFound } = configuredResources(ctx, options);
    return [...resources, ...addFound(options.found ?? [])];
}
/**
 * The resources the configuration names, and a way to add those of the cluster's objects that left it (what
 * observe() found): everything but the latter can be read before the cluster has been looked at.
 */
function configuredResources(ctx, options) {
    const scope = options.scope ?? 'all';
    const aws = scope === 'cluster' ? undefined : accountSide(ctx, options);
    const cluster = scope === 'aws' ? { resources: [], addFound: () => [] } : clusterSide(ctx, aws, options);
    return { resources: [...(aws?.resources ?? []), ...cluster.resources], addFound: cluster.addFound };
}
/** The objects of karpenter.extraManifests (none without the folder). */
function loadManifests(ctx) {
    const folder = ctx.config.karpenter.extraManifests;
    return folder ? loadExtraManifests(folder) : [];
}
/**
 * Every NodePool (the action's are deleted when they leave the config; the others tell which EC2NodeClasses are
 * still in use) and the EC2NodeClasses carrying the action's label. No process; empty before the CRDs exist.
 */
async function observe(ctx) {
    const [pools, classes] = await Promise.all([
        ctx.kube.list(types/* NODEPOOL */.BX),
        ctx.kube.list(types/* EC2NODECLASS */.R9, `${types/* MANAGED_BY_LABEL */.lT}=${types/* MANAGED_BY_VALUE */.Q9}`),
    ]);
    return [...classes, ...pools];
}
/**
 * observe(), then desiredResources(): the graph, nothing read yet (what carries out a reviewed plan's steps). The
 * pipeline plans with readingGraph(), which starts the reads while the cluster is looked at.
 */
async function desiredGraph(ctx, options = {}) {
    const extraManifests = loadManifests(ctx);
    return desiredResources(ctx, { found: await lookAtCluster(ctx, options), extraManifests, ...options });
}
/**
 * observe(), and the check for another Karpenter: one per cluster, so another one installed stops an install
 * or upgrade (a destroy stays possible: it removes only what the config names).
 */
async function lookAtCluster(ctx, options) {
    const { namespace, release } = ctx.config.karpenter;
    const installs = options.mode !== 'destroy' && options.scope !== 'aws';
    const [found] = await Promise.all([
        observe(ctx),
        installs ? refuseOtherKarpenter(ctx.kube, { namespace, release }) : undefined,
    ]);
    return found;
}
/**
 * The graph the pipeline plans, its reads started early: the resources the configuration names are read while the
 * cluster is looked at (observe(), and the check for another Karpenter); those of the objects that left it follow.
 * A destroy reads nothing early: what its CRD release's read checks depends on what observe() finds.
 */
async function readingGraph(ctx, options = {}) {
    const extraManifests = options.extraManifests ?? loadManifests(ctx);
    const { resources, addFound } = configuredResources(ctx, { ...options, extraManifests });
    const started = new Map();
    if (options.mode !== 'destroy') {
        for (const r of resources) {
            const reading = r.read();
            // Settled here, so that a read failing while the cluster is looked at is no unhandled rejection; the engine
            // awaits it (and reports it) when nothing before stops the run.
            reading.catch(() => undefined);
            started.set(r.id, reading);
        }
    }
    // Another Karpenter stops the run here, whatever the reads found.
    const found = await lookAtCluster(ctx, options);
    return { resources: [...resources, ...addFound(found)], started };
}
/**
 * How nodes get into the cluster: an access entry when asked, or on `auto` when the cluster's
 * authentication mode includes the access API; otherwise the aws-auth ConfigMap. A cluster that does not
 * report its mode predates access entries (CONFIG_MAP).
 */
function nodeAccessMethod(setting, authenticationMode) {
    if (setting !== 'auto')
        return setting;
    return authenticationMode === 'API' || authenticationMode === 'API_AND_CONFIG_MAP' ? 'access-entry' : 'aws-auth';
}
function accountSide(ctx, options) {
    const { config, aws } = ctx;
    const common = {
        tags: managedTags(config.cluster.name, config.tags),
        path: (0,arns/* iamPath */.RI)(config.iam.path),
        scope: { partition: aws.partition, accountId: ctx.accountId },
    };
    const { tags, path, scope } = common;
    const destroyAdopted = config.destroyAdopted;
    const nodeRole = new IamRole(aws, {
        id: ids.nodeRole,
        name: config.iam.nodeRole,
        path,
        description: `Nodes launched by Karpenter in ${config.cluster.name}`,
        trustPolicy: nodeRoleTrustPolicy(aws.partition),
        managedPolicyArns: nodeRoleManagedPolicyArns(aws.partition),
        permissionsBoundary: config.iam.permissionsBoundary,
        tags,
        destroyAdopted,
    });
    const instanceProfile = new InstanceProfile(aws, {
        id: ids.instanceProfile,
        name: config.iam.instanceProfile,
        path,
        roleName: config.iam.nodeRole,
        tags,
        destroyAdopted,
        dependsOn: [nodeRole.id],
    });
    const policies = controllerPolicies(ctx, common, options);
    const { oidc, trustPolicy } = controllerTrust(ctx, common);
    const controllerRole = new IamRole(aws, {
        id: ids.controllerRole,
        name: config.iam.controllerRole,
        path,
        description: `Karpenter controller of ${config.cluster.name}`,
        trustPolicy,
        managedPolicyArns: policies.filter((p) => p.wanted).map((p) => p.spec.arn),
        ownedPolicyArns: policies.map((p) => p.spec.arn),
        permissionsBoundary: config.iam.permissionsBoundary,
        tags,
        destroyAdopted,
        dependsOn: [...policies.map((p) => p.id), ...idsOf(oidc)],
    });
    const podIdentity = config.karpenter.auth === 'pod-identity'
        ? new PodIdentityAssociation(aws, {
            id: ids.podIdentity,
            clusterName: config.cluster.name,
            namespace: config.karpenter.namespace,
            serviceAccount: karpenterServiceAccount(config),
            roleArn: (0,arns/* iamRoleArn */.VQ)(scope, config.iam.controllerRole, path),
            tags,
            destroyAdopted,
            dependsOn: [controllerRole.id],
        })
        : undefined;
    const { queue, rules } = interruption(ctx, common);
    const nodeAccess = nodeAccessFor(ctx, common, nodeRole);
    const resources = [
        nodeRole,
        instanceProfile,
        ...policies,
        oidc,
        controllerRole,
        podIdentity,
        queue,
        ...rules,
        nodeAccess,
    ];
    return {
        resources: resources.filter((r) => r !== undefined),
        instanceProfile,
        controllerRole,
        podIdentity,
        queue,
        nodeAccess,
    };
}
/**
 * The controller's permissions: as many managed policies as the size limit needs, plus the names a larger set
 * used to have, unwanted (deleted when this action made them).
 */
function controllerPolicies(ctx, { tags, path, scope }, options) {
    const { config, aws } = ctx;
    const policies = buildControllerPolicies({
        partition: aws.partition,
        accountId: ctx.accountId,
        region: config.cluster.region,
        clusterName: config.cluster.name,
        nodeRoleName: config.iam.nodeRole,
        nodeRolePath: path,
        queueName: config.interruption.enabled ? config.interruption.queue : null,
        karpenterVersion: config.karpenter.version,
    }, config.iam.controllerPolicy, options.policySizeLimit);
    const listing = policyListing(aws, path);
    const base = config.iam.controllerPolicy;
    return Array.from({ length: Math.max(MAX_CONTROLLER_POLICIES, policies.length) }, (_, i) => {
        const name = policies[i]?.name ?? (i === 0 ? base : `${base}-${i + 1}`);
        const spec = {
            id: ids.controllerPolicy(i),
            name,
            path,
            arn: (0,arns/* iamPolicyArn */.f0)(scope, name, path),
            description: `Karpenter controller permissions for ${config.cluster.name}`,
            document: policies[i]?.document,
            tags,
            destroyAdopted: config.destroyAdopted,
        };
        // The wanted policies are looked up directly; the leftovers only when the listing shows them.
        return new IamPolicy(aws, spec, spec.document ? undefined : listing);
    });
}
/** Who may assume the controller role: IRSA (through the cluster's OIDC provider) or EKS Pod Identity. */
function controllerTrust(ctx, { tags, scope }) {
    const { config, aws } = ctx;
    if (config.karpenter.auth !== 'irsa')
        return { trustPolicy: podIdentityTrustPolicy() };
    const issuer = ctx.cluster.oidcIssuer;
    if (!issuer) {
        throw new outcome/* ActionFailure */.dR('config', `karpenter.auth: irsa needs the cluster's OIDC issuer, and EKS reports none for ${config.cluster.name}. ` +
            'Fix: enable the OIDC issuer of the cluster, or set karpenter.auth: pod-identity.');
    }
    const issuerHostPath = oidcIssuerHostPath(issuer);
    const arn = (0,arns/* oidcProviderArn */.iw)(scope, issuerHostPath);
    return {
        oidc: new OidcProvider(aws, {
            id: ids.oidcProvider,
            issuerHostPath,
            arn,
            tags,
            destroyAdopted: config.destroyAdopted,
        }),
        trustPolicy: irsaTrustPolicy({
            partition: aws.partition,
            accountId: ctx.accountId,
            issuerUrl: issuer,
            namespace: config.karpenter.namespace,
            serviceAccount: karpenterServiceAccount(config),
        }),
    };
}
/**
 * The interruption queue and the EventBridge rules feeding it. With interruption handling off they are still
 * listed, unwanted: what this action made earlier is deleted, anything else of those names is left.
 */
function interruption(ctx, { tags }) {
    const { config, aws } = ctx;
    const wanted = config.interruption.enabled;
    const name = config.interruption.queue;
    const arn = queueArn({ partition: aws.partition, accountId: ctx.accountId, region: config.cluster.region }, name);
    const queue = new SqsQueue(aws, {
        id: ids.queue,
        name,
        attributes: { ...INTERRUPTION_QUEUE_ATTRIBUTES },
        policy: interruptionQueuePolicy({ queueArn: arn }),
        tags,
        wanted,
        destroyAdopted: config.destroyAdopted,
    });
    const prefix = interruptionRulePrefix(name);
    const reader = new EventRuleReader(aws, prefix, arn);
    const rules = interruptionRules(config.cluster.name, name).map((rule) => new EventRule(aws, {
        id: ids.rule(rule.name.slice(prefix.length + 1)),
        name: rule.name,
        description: rule.description,
        eventPattern: rule.eventPattern,
        targetArn: arn,
        targetId: INTERRUPTION_RULE_TARGET_ID,
        tags,
        wanted,
        destroyAdopted: config.destroyAdopted,
        dependsOn: [queue.id],
    }, reader));
    return { queue, rules };
}
/** How the nodes of the node role join the cluster: an EKS access entry, or their mapping in aws-auth. */
function nodeAccessFor(ctx, { tags, path, scope }, nodeRole) {
    const { config, aws } = ctx;
    const roleArn = (0,arns/* iamRoleArn */.VQ)(scope, config.iam.nodeRole, path);
    if (nodeAccessMethod(config.iam.nodeAccess, ctx.cluster.authenticationMode) === 'access-entry') {
        return new AccessEntry(aws, {
            id: ids.accessEntry,
            clusterName: config.cluster.name,
            principalArn: roleArn,
            roleName: config.iam.nodeRole,
            tags,
            destroyAdopted: config.destroyAdopted,
            dependsOn: [nodeRole.id],
        });
    }
    const withoutPath = (0,arns/* iamRoleArnWithoutPath */.mU)(scope, config.iam.nodeRole);
    return new AwsAuthMapping(ctx.kube, {
        id: ids.awsAuth,
        roleName: config.iam.nodeRole,
        roleArn: withoutPath,
        aliases: roleArn === withoutPath ? [] : [roleArn],
        dependsOn: [nodeRole.id],
    });
}
/** The Helm values of the Karpenter chart: the action's own, then karpenter.values merged over them. */
function karpenterValues(ctx) {
    const { config } = ctx;
    const settings = { clusterName: config.cluster.name };
    if (ctx.cluster.endpoint)
        settings.clusterEndpoint = ctx.cluster.endpoint;
    if (config.interruption.enabled)
        settings.interruptionQueue = config.interruption.queue;
    // The service account the controller role trusts, by name: never the chart's default (its release's full name).
    const serviceAccount = { name: karpenterServiceAccount(config) };
    const values = { settings, serviceAccount };
    if (config.karpenter.auth === 'irsa') {
        const arn = (0,arns/* iamRoleArn */.VQ)({ partition: ctx.aws.partition, accountId: ctx.accountId }, config.iam.controllerRole, config.iam.path);
        serviceAccount.annotations = { 'eks.amazonaws.com/role-arn': arn };
    }
    if (config.karpenter.resources)
        values.controller = { resources: config.karpenter.resources };
    return mergeValues(values, config.karpenter.values);
}
function clusterSide(ctx, aws, options) {
    const { config, kube } = ctx;
    const k = config.karpenter;
    const planning = options.mode !== 'destroy';
    const renderings = new ChartRenderings(kube);
    // The CRD chart's release record lives in the namespace: kept CRDs keep it.
    const namespace = new Namespace(kube, {
        id: ids.namespace(k.namespace),
        name: k.namespace,
        timeout: k.timeout,
        keepOnDestroy: k.installCrds && !k.destroyCrds,
        destroyAdopted: config.destroyAdopted,
    });
    const out = [namespace];
    // What a destroy deletes before the CRDs (filled in below, asked when the CRD release is read).
    const deletedFirst = [];
    const crds = k.installCrds
        ? new CrdRelease(kube, {
            id: ids.crdRelease(k.release),
            release: `${k.release}-crd`,
            namespace: k.namespace,
            chart: chartSource(k.crdChart, k.version, 'karpenter.crdChart'),
            values: {},
            timeout: k.timeout,
            skipCrds: false,
            dependsOn: [namespace.id],
            keepOnDestroy: !k.destroyCrds,
            render: planning,
            expectedVersion: k.version,
            deletedFirst: () => deletedFirst,
        }, renderings)
        : undefined;
    if (crds)
        out.push(crds);
    const base = crds ? [crds.id] : [];
    const release = new HelmReleaseResource(kube, {
        id: ids.release(k.release),
        release: k.release,
        namespace: k.namespace,
        chart: chartSource(k.chart, k.version, 'karpenter.chart'),
        values: karpenterValues(ctx),
        timeout: k.timeout,
        skipCrds: true,
        // The controller's IAM role (IRSA or Pod Identity) and its queue exist before it starts.
        dependsOn: [namespace.id, ...base, ...idsOf(aws?.controllerRole, aws?.podIdentity, aws?.queue)],
        render: planning,
        expectedVersion: k.version,
    }, renderings);
    out.push(release);
    // NodePools and EC2NodeClasses come after the controller: created once it runs, deleted before it goes.
    const afterRelease = [...base, release.id];
    const validator = planning ? new Validator(kube, crds ? (v, kind) => crds.schemaFor(v, kind) : undefined) : undefined;
    const object = (o, id, kind, dependsOn, wanted = true) => {
        deletedFirst.push(o);
        return new KubeObjectResource(kube, {
            id,
            kind,
            object: o,
            dependsOn,
            wanted,
            validator,
            timeout: k.timeout,
            afterDelete: o.kind === types/* NODEPOOL */.BX.kind ? nodeClaimsGone(o.metadata.name, k.timeout) : undefined,
        });
    };
    const taken = new Set();
    for (const np of config.nodePools) {
        const nodeClass = object(ec2NodeClassObject(np, config), ids.nodeClass(np.name), 'ec2nodeclass', [
            ...afterRelease,
            // Nodes it launches need their instance profile and access to the cluster.
            ...idsOf(aws?.instanceProfile, aws?.nodeAccess),
        ]);
        const pool = object(nodePoolObject(np), ids.nodePool(np.name), 'nodepool', [...afterRelease, nodeClass.id]);
        out.push(nodeClass, pool);
        taken.add(nodeClass.id).add(pool.id);
    }
    const extras = options.extraManifests ?? [];
    const foundation = extras.filter((o) => FOUNDATION_KINDS.has(o.kind)).map(ids.manifest);
    for (const o of extras) {
        const id = ids.manifest(o);
        out.push(object(o, id, o.kind.toLowerCase(), [...afterRelease, ...(FOUNDATION_KINDS.has(o.kind) ? [] : foundation)]));
        taken.add(id);
    }
    // The action's objects that left the config: deleted (and, for a destroy, before the CRDs: deletedFirst).
    const addFound = (found) => {
        const added = [];
        for (const left of leftovers(found, extras, taken)) {
            const deps = left.nodeClassId && taken.has(left.nodeClassId) ? [left.nodeClassId] : [];
            added.push(object(refObject(left.object), left.id, left.kind, [...afterRelease, ...deps], false));
            taken.add(left.id);
        }
        return added;
    };
    return { resources: out, addFound };
}
/** The ids of the resources given (those present). */
function idsOf(...resources) {
    return resources.filter((r) => r !== undefined).map((r) => r.id);
}
/**
 * What the action created before and the configuration no longer has (by its label, never anything else),
 * EC2NodeClasses first so that a NodePool can depend on its own. An EC2NodeClass still used by a NodePool
 * that stays (someone else's, or one of the extra manifests) stays too.
 */
function leftovers(found, extras, taken) {
    const extraKeys = new Set(extras.map((o) => `${o.kind}/${o.metadata.name}`));
    const ours = found.filter((o) => (0,types/* isOwned */.go)(o) && !extraKeys.has(`${o.kind}/${o.metadata.name}`));
    const pools = ours.filter((o) => o.kind === types/* NODEPOOL */.BX.kind && !taken.has(ids.nodePool(o.metadata.name)));
    const leaving = new Set(pools.map((o) => o.metadata.name));
    const inUse = new Set([...found, ...extras].filter((o) => o.kind === types/* NODEPOOL */.BX.kind && !leaving.has(o.metadata.name)).map(nodeClassOf));
    const classes = ours.filter((o) => o.kind === types/* EC2NODECLASS */.R9.kind && !taken.has(ids.nodeClass(o.metadata.name)) && !inUse.has(o.metadata.name));
    return [
        ...classes.map((o) => ({ object: o, id: ids.nodeClass(o.metadata.name), kind: 'ec2nodeclass' })),
        ...pools.map((o) => {
            const nodeClass = nodeClassOf(o);
            return {
                object: o,
                id: ids.nodePool(o.metadata.name),
                kind: 'nodepool',
                nodeClassId: nodeClass ? ids.nodeClass(nodeClass) : undefined,
            };
        }),
    ];
}
/** The EC2NodeClass a NodePool uses. */
function nodeClassOf(pool) {
    return pool.spec?.template?.spec
        ?.nodeClassRef?.name;
}
/** Just enough of a found object to find it again. */
function refObject(o) {
    const { apiVersion, kind, name, namespace } = (0,types/* refOf */.H8)(o);
    return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
}
/**
 * After a NodePool's delete: waits, bounded by karpenter.timeout, until none of its NodeClaims remain, so
 * no instance it launched is still running when its EC2NodeClass (and then the controller) goes.
 */
function nodeClaimsGone(pool, timeout) {
    return async (kube, deadline) => {
        let left = [];
        await waitUntil(deadline, async () => {
            left = (await kube.list(types/* NODECLAIM */.Jd, `karpenter.sh/nodepool=${pool}`)).map((c) => c.metadata.name);
            return left.length === 0;
        }, () => `NodeClaims of NodePool ${pool} still exist after karpenter.timeout (${timeout}): ${left.join(', ')}. ` +
            'Their instances may still run: check the Karpenter controller logs (draining can be blocked by PodDisruptionBudgets), then run destroy again.');
    };
}
/** The action's outputs that the plan already knows (names and ARNs are deterministic). */
function planOutputs(ctx) {
    const { config } = ctx;
    const scope = { partition: ctx.aws.partition, accountId: ctx.accountId };
    return {
        'node-role-arn': (0,arns/* iamRoleArn */.VQ)(scope, config.iam.nodeRole, config.iam.path),
        'controller-role-arn': (0,arns/* iamRoleArn */.VQ)(scope, config.iam.controllerRole, config.iam.path),
        'instance-profile': config.iam.instanceProfile,
        'interruption-queue': config.interruption.enabled ? config.interruption.queue : '',
    };
}

// EXTERNAL MODULE: ./src/inputs.ts + 1 modules
var src_inputs = __webpack_require__(9742);
;// CONCATENATED MODULE: ./src/plan/engine.ts
/**
 * The engine: plans (reads every resource, asks each for its Decision) and applies (runs the planned Steps in
 * dependency order). It knows nothing of AWS, Kubernetes or GitHub, and logs nothing: what happens while applying is
 * told through `onEvent`, and the pipeline renders it.
 */



/** The plan could not be made (reason `plan`, or the reason of the failure that stopped it). */
class PlanError extends outcome/* ActionFailure */.dR {
    constructor(message, options) {
        const cause = options?.cause;
        super(cause instanceof outcome/* ActionFailure */.dR ? (0,outcome/* failureReasonOf */.M3)(cause) : 'plan', message, options);
        this.name = 'PlanError';
    }
}
/** Resources sorted so that each comes after what it depends on. Throws on unknown ids and cycles. */
function dependencyOrder(resources) {
    const byId = new Map(resources.map((r) => [r.id, r]));
    if (byId.size !== resources.length)
        throw new PlanError('two resources share an id');
    const out = [];
    const state = new Map();
    const visit = (r, trail) => {
        const s = state.get(r.id);
        if (s === 'done')
            return;
        if (s === 'visiting')
            throw new PlanError(`dependency cycle: ${[...trail, r.id].join(' -> ')}`);
        state.set(r.id, 'visiting');
        for (const dep of r.dependsOn) {
            const d = byId.get(dep);
            if (!d)
                throw new PlanError(`${r.id} depends on ${dep}, which is not a resource`);
            visit(d, [...trail, r.id]);
        }
        state.set(r.id, 'done');
        out.push(r);
    };
    for (const r of resources)
        visit(r, []);
    return out;
}
/** Reads every resource concurrently and decides what to do with each. Changes nothing. */
async function plan(input) {
    const ordered = dependencyOrder(input.resources);
    const reads = await Promise.all(ordered.map((r) => (input.started?.get(r.id) ?? r.read()).catch((e) => {
        throw new PlanError(`reading ${r.kind} ${r.name} failed: ${(0,outcome/* errorMessage */.gJ)(e)}`, { cause: e });
    })));
    const decided = ordered.map((resource, i) => {
        const read = reads[i];
        const exists = resource.exists(read);
        try {
            let decision;
            if (input.mode === 'destroy' || !resource.wanted) {
                const gone = !exists || (input.mode === 'destroy' && resource.keepOnDestroy);
                const kept = gone ? undefined : resource.keep?.(read);
                decision = { action: gone || kept ? 'noop' : 'delete', fields: [], ops: [], ...(kept ? { note: kept } : {}) };
            }
            else
                decision = resource.diff(read);
            return { resource, read, exists, decision };
        }
        catch (e) {
            throw new PlanError(`planning ${resource.kind} ${resource.name} failed: ${(0,outcome/* errorMessage */.gJ)(e)}`, { cause: e });
        }
    });
    // What is absent and stays absent (a slot the config doesn't use, something already destroyed) is no part of
    // the plan. Deletions run in reverse dependency order; show them that way too.
    const present = decided.filter((d) => !(d.decision.action === 'noop' && !d.exists));
    const shown = input.mode === 'destroy' ? [...present].reverse() : present;
    const changes = shown.map(({ resource, decision }) => ({
        id: resource.id,
        kind: resource.kind,
        name: decision.name ?? resource.name,
        action: decision.action,
        // The one place values that look secret are marked: every view of the plan then leaves them out.
        fields: redactFields(decision.fields),
        dependsOn: [...resource.dependsOn],
        ...(decision.note ? { note: decision.note } : {}),
    }));
    const steps = [];
    for (const { resource, read, decision } of decided) {
        if (decision.action === 'noop')
            continue;
        const withPrior = decision.action === 'delete' || decision.action === 'replace';
        steps.push({ id: resource.id, action: decision.action, ops: decision.ops, ...(withPrior ? { prior: read } : {}) });
    }
    const count = (...actions) => changes.filter((c) => actions.includes(c.action)).length;
    return {
        steps,
        reads: new Map(decided.map((d) => [d.resource.id, d.read])),
        plan: {
            formatVersion: 1,
            mode: input.mode,
            cluster: input.cluster,
            region: input.region,
            changes,
            summary: { add: count('create', 'replace'), change: count('update'), destroy: count('delete', 'replace') },
            outputs: input.outputs,
            warnings: input.warnings ?? [],
        },
    };
}
/**
 * The resources whose state is no longer what a plan read: each confirms its read cheaply (`unchanged`), or is read
 * again and the two reads compared. A resource that cannot be confirmed (its look fails, it was not in the plan)
 * counts as moved. Changes nothing; an empty answer means the plan still stands.
 */
async function movedSince(result, resources) {
    const moved = await Promise.all(resources.map(async (r) => {
        if (!result.reads.has(r.id))
            return true;
        const read = result.reads.get(r.id);
        try {
            return r.unchanged ? !(await r.unchanged(read)) : !deepEqual(await r.read(), read);
        }
        catch {
            return true;
        }
    }));
    return resources.filter((_, i) => moved[i]);
}
/**
 * Carries out planned steps with the resources they were planned for (the same instances, or ones built again from
 * the same configuration): creations and updates in dependency order, deletions in reverse order after them. Each
 * step starts as soon as the steps it waits for are done (not when a whole level is), so a slow step holds back only
 * what depends on it. After the first failure no step starts: the running ones finish, what is left is reported
 * `skipped`, and a rerun (which plans again) completes the work. Results come in a fixed order: forward steps,
 * then deletions, each by dependency depth, then as planned.
 */
async function applyPlan(steps, resources, options = {}) {
    const byId = new Map(resources.map((r) => [r.id, r]));
    const todo = steps.map((step) => {
        const resource = byId.get(step.id);
        if (!resource)
            throw new PlanError(`the plan has a step for ${step.id}, which is not a resource of this configuration`);
        return { step, resource };
    });
    const onEvent = options.onEvent ?? (() => undefined);
    const results = [];
    const state = { failed: false };
    const passes = [
        { items: todo.filter((t) => t.step.action !== 'delete'), reverse: false },
        { items: todo.filter((t) => t.step.action === 'delete'), reverse: true },
    ].map((p) => ({ ...p, waitsFor: waitsFor(p.items, p.reverse) }));
    for (const p of passes)
        await runAll(p.items, p.waitsFor, onEvent, results, state);
    // Reported in a fixed order whatever the timing: forward steps, then deletions, each by dependency depth, then as
    // planned (the order steps ran in when each level ran as one).
    const rank = new Map();
    passes.forEach(({ items, waitsFor: edges }, pass) => {
        const depth = depths(edges);
        items.forEach((t, i) => rank.set(t.step.id, pass * 1e9 + depth.get(t.step.id) * 1e5 + i));
    });
    return results.sort((a, b) => rank.get(a.id) - rank.get(b.id));
}
/** What each step waits for among `items`: forward, its dependencies; reverse (deletions), its dependents. */
function waitsFor(items, reverse) {
    const ids = new Set(items.map((t) => t.step.id));
    return new Map(items.map((t) => [
        t.step.id,
        reverse
            ? items.filter((q) => q.resource.dependsOn.includes(t.step.id)).map((q) => q.step.id)
            : t.resource.dependsOn.filter((d) => ids.has(d) && d !== t.step.id),
    ]));
}
/** How many steps, at the most, each waits for before it, one after the other. */
function depths(edges) {
    const depth = new Map();
    const of = (id) => {
        const known = depth.get(id);
        if (known !== undefined)
            return known;
        const deps = edges.get(id);
        const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(of));
        depth.set(id, d);
        return d;
    };
    for (const id of edges.keys())
        of(id);
    return depth;
}
/**
 * Runs `items`, each once everything it waits for among them (`waitsFor`) is done. A step whose wait includes a failed or skipped one, or that has not started when a failure happens,
 * is skipped.
 */
async function runAll(items, waitsFor, onEvent, out, state) {
    const results = new Map();
    const settle = (r) => {
        results.set(r.id, r);
        out.push(r);
    };
    const running = new Map();
    const skip = (t) => settle({ id: t.step.id, action: t.step.action, status: 'skipped', durationMs: 0 });
    for (;;) {
        const waiting = items.filter((t) => !results.has(t.step.id) && !running.has(t.step.id));
        if (!waiting.length && !running.size)
            return;
        for (const t of waiting) {
            if (state.failed) {
                skip(t);
                continue;
            }
            const deps = waitsFor.get(t.step.id);
            if (!deps.every((d) => results.get(d)?.status === 'done'))
                continue;
            running.set(t.step.id, runStep(t, onEvent).then((r) => {
                settle(r);
                running.delete(r.id);
                if (r.status === 'failed')
                    state.failed = true;
            }));
        }
        if (!running.size) {
            // Nothing runs and nothing could start: only what waits for a step that did not run is left (a cycle is
            // refused when planning).
            for (const t of items.filter((q) => !results.has(q.step.id)))
                skip(t);
            return;
        }
        await Promise.race(running.values());
    }
}
async function runStep({ step, resource: r }, onEvent) {
    const what = { id: r.id, kind: r.kind, name: r.name, action: step.action };
    const started = Date.now();
    onEvent({ type: 'started', ...what });
    try {
        if (step.action === 'delete')
            await r.destroy(step.prior);
        else {
            if (step.action === 'replace' && r.exists(step.prior))
                await r.destroy(step.prior);
            await r.apply(step.ops);
        }
        const durationMs = Date.now() - started;
        onEvent({ type: 'done', ...what, durationMs });
        return { id: r.id, action: step.action, status: 'done', durationMs };
    }
    catch (e) {
        const durationMs = Date.now() - started;
        const error = (0,outcome/* errorMessage */.gJ)(e);
        onEvent({ type: 'failed', ...what, durationMs, error });
        return { id: r.id, action: step.action, status: 'failed', durationMs, error };
    }
}

;// CONCATENATED MODULE: ./src/plan/fingerprint.ts



/**
 * The plan's identity: a hash of what it would change, on normalized data. Mode, warnings, notes and
 * no-op resources are left out, so the plan posted on a pull request and the one re-made before the
 * apply match exactly when they would do the same thing.
 */
function planFingerprint(plan) {
    const changes = changing(plan).map(({ id, action, fields }) => ({
        id,
        action,
        fields: fields.map(({ path, before, after }) => ({ path, before, after })),
    }));
    const material = { v: plan.formatVersion, cluster: plan.cluster, region: plan.region, changes };
    return (0,external_node_crypto_.createHash)('sha256').update(canonicalJson(material)).digest('hex').slice(0, 16);
}

;// CONCATENATED MODULE: ./src/aws/cluster.ts



/** The configured cluster cannot be found or read (reason `preflight`). */
class ClusterError extends outcome/* ActionFailure */.dR {
    constructor(message, options) {
        super('preflight', message, options);
        this.name = 'ClusterError';
    }
}
/** EKS's refusal in a REST-JSON answer (its error type from x-amzn-errortype or the body), or a failed exchange. */
class EksError extends calls/* AwsHttpError */.U3 {
}
/** EKS DescribeCluster as a signed REST request of our own (no SDK client to load for one call at start-up). */
async function describeEksCluster(session, name) {
    return (0,signed_call/* signedCall */.pA)(session, { endpointId: 'EKS', name: 'eks' }, {
        method: 'GET',
        path: `/clusters/${encodeURIComponent(name)}`,
        headers: { accept: 'application/json' },
        body: '',
        command: 'DescribeCluster',
        input: { name },
    }, (answer) => {
        const refused = (0,signed_call/* jsonRefusal */.Nm)(answer, 'DescribeCluster', EksError, 'TooManyRequestsException');
        if (refused)
            throw refused;
        try {
            return JSON.parse(answer.body).cluster;
        }
        catch {
            throw new EksError('InvalidResponse', 'EKS answered DescribeCluster with something that is not JSON', {
                httpStatusCode: answer.status,
            });
        }
    }, EksError);
}
async function describeCluster(session, name) {
    let cluster;
    try {
        cluster = await describeEksCluster(session, name);
    }
    catch (e) {
        if ((0,calls/* isNotFound */.c4)(e)) {
            throw new ClusterError(`cluster.name: the EKS cluster "${name}" does not exist in ${session.region}. Fix: check cluster.name and cluster.region (or the aws-region input).`);
        }
        throw new ClusterError(`cluster.name: EKS DescribeCluster of "${name}" failed: ${e.message}`, {
            cause: e,
        });
    }
    if (!cluster)
        throw new ClusterError(`cluster.name: DescribeCluster returned nothing for "${name}"`);
    return {
        name,
        arn: cluster.arn ?? '',
        status: cluster.status ?? 'UNKNOWN',
        endpoint: cluster.endpoint,
        certificateAuthority: cluster.certificateAuthority?.data,
        oidcIssuer: cluster.identity?.oidc?.issuer,
        authenticationMode: cluster.accessConfig?.authenticationMode,
        vpcId: cluster.resourcesVpcConfig?.vpcId,
        subnetIds: cluster.resourcesVpcConfig?.subnetIds ?? [],
        version: cluster.version,
    };
}

// EXTERNAL MODULE: ./src/aws/credentials.ts + 1 modules
var credentials = __webpack_require__(1429);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/aws/eks-auth.ts
/**
 * Access to the EKS API server for helm and kubectl without any AWS tool on the runner: a kubeconfig with
 * the cluster's endpoint and CA (from DescribeCluster) and a bearer token made here, the way
 * aws-iam-authenticator and `aws eks get-token` make theirs: a presigned STS GetCallerIdentity URL whose
 * signature covers the header `x-k8s-aws-id: <cluster>`, base64url-encoded behind `k8s-aws-v1.`.
 * EKS accepts such a token for 15 minutes, so a long apply rewrites the kubeconfig with a fresh one.
 */








const TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header whose signed value binds a token to one cluster. */
const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** What the presigned URL says; EKS itself honours a token for 15 minutes after its X-Amz-Date. */
const PRESIGN_EXPIRES_SECONDS = 60;
/** Rewrite the kubeconfig this often: well inside the 15 minutes, as `aws eks get-token` (14) does. */
const TOKEN_REFRESH_MS = 10 * 60 * 1000;
/** The STS host that signs tokens for a region. */
function stsHost(region, partition = 'aws') {
    return `sts.${region}.${(0,regions/* dnsSuffixOf */.a4)(partition)}`;
}
/** RFC 3986 encoding, as SigV4 canonicalises query values. */
function rfc3986(value) {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
/** The presigned GetCallerIdentity URL a token carries. */
async function presignedCallerIdentityUrl(opts) {
    const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
        __webpack_require__.e(/* import() */ 118).then(__webpack_require__.t.bind(__webpack_require__, 5118, 19)),
        __webpack_require__.e(/* import() */ 156).then(__webpack_require__.t.bind(__webpack_require__, 3156, 23)),
    ]);
    const host = stsHost(opts.region, opts.partition);
    const signer = new SignatureV4({
        service: 'sts',
        region: opts.region,
        credentials: opts.credentials,
        sha256: Sha256,
        uriEscapePath: true,
    });
    const signed = await signer.presign({
        method: 'GET',
        protocol: 'https:',
        hostname: host,
        path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
        headers: { host, [CLUSTER_ID_HEADER]: opts.clusterName },
    }, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: opts.now });
    const query = Object.entries(signed.query ?? {})
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${rfc3986(k)}=${rfc3986(String(one))}`))
        .sort()
        .join('&');
    return `https://${host}/?${query}`;
}
/** A bearer token for the EKS API server of `clusterName`. */
async function eksToken(opts) {
    const url = await presignedCallerIdentityUrl(opts);
    return TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}
/** The URL inside a token (for tests and diagnostics). */
function decodeToken(token) {
    if (!token.startsWith(TOKEN_PREFIX))
        throw new Error(`not an EKS token: it does not start with ${TOKEN_PREFIX}`);
    return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}
/** A kubeconfig (YAML text) for one cluster with a bearer token. */
function kubeconfigText(cluster, token) {
    const name = cluster.arn || cluster.name;
    return (0,dist/* stringify */.As)({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
            { name, cluster: { server: cluster.endpoint, 'certificate-authority-data': cluster.certificateAuthority } },
        ],
        users: [{ name: 'karpenter-action', user: { token } }],
        contexts: [{ name: cluster.name, context: { cluster: name, user: 'karpenter-action' } }],
        'current-context': cluster.name,
    });
}
/**
 * Writes a kubeconfig for the cluster and keeps its token fresh (a timer that does not keep the process
 * alive) until close(). Each token is masked in the log before it is written.
 */
async function eksKubeconfig(opts) {
    const { cluster, session } = opts;
    if (!cluster.endpoint || !cluster.certificateAuthority) {
        throw new outcome/* ActionFailure */.dR('preflight', `EKS reports no API endpoint or certificate for ${cluster.name}: cannot reach it. Fix: give the action a \`kubeconfig\` input.`);
    }
    const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(opts.dir ?? process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)(), 'karpenter-action-'));
    const path = (0,external_node_path_.join)(dir, 'kubeconfig');
    const refresh = async () => {
        const token = await eksToken({
            clusterName: cluster.name,
            region: session.region,
            partition: session.partition,
            credentials: await (0,clients/* sessionCredentials */.Te)(session),
        });
        runner/* setSecret */.Pq(token);
        const tmp = `${path}.tmp`;
        (0,external_node_fs_.writeFileSync)(tmp, kubeconfigText(cluster, token), { mode: 0o600 });
        (0,external_node_fs_.renameSync)(tmp, path); // a kubectl starting meanwhile reads the old file or the new one, never half of one
    };
    await refresh();
    const timer = setInterval(() => {
        refresh().catch((e) => runner/* warning */.$e(`could not renew the EKS token: ${e instanceof Error ? e.message : String(e)}`));
    }, opts.refreshMs ?? TOKEN_REFRESH_MS);
    timer.unref();
    return {
        path,
        refresh,
        close: () => {
            clearInterval(timer);
            (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
        },
    };
}

;// CONCATENATED MODULE: ./src/state/lock.ts
/**
 * The state lock: one object next to the state record (`<state.key>.lock`), created with a conditional write
 * (`If-None-Match: *`) so that of two runs racing for it exactly one succeeds. It says who holds it (a holder id made
 * of the run id, its attempt and a random part), from which run, since when, for which operation, and its lease.
 *
 * - A write that S3 stored but whose answer was lost is retried by the SDK and answered 412: the lock is read again,
 *   and when its holder id is ours, it is ours.
 * - The holder renews the lock (a conditional write, `If-Match` its ETag) every third of its lease (15 minutes) while
 *   it runs. A lock not renewed for longer than its lease belongs to a run that died: it is reported as stale, with
 *   its holder and age, and taken over by a conditional write on the ETag that was read (of two runs taking it over
 *   at once, one wins).
 * - A live lock (younger than its lease) stops the run at once, naming the holder; `break-lock: true` refuses it
 *   too, and only `break-lock: force` removes it.
 * - Releasing deletes the object only if it is still ours (`If-Match` with the ETag we wrote last). The run's session
 *   (src/session.ts) releases it on every way out, a cancelled job included; an apply releases it as soon as its
 *   record is written and its result reported, before its verify ends (verify only reads, and may wait minutes for
 *   the controller).
 */







/**
 * The lease of a lock: a holder renews it every third of this while it runs, so a lock not renewed for longer has no
 * live holder. 15 minutes: longer than any pause of a live run between two renewals, short enough that a run that
 * died blocks the next one for at most that long.
 */
const LOCK_LEASE_SECONDS = 15 * 60;
/**
 * The configured state location. Without one, an apply or destroy still runs, unlocked and unrecorded: say so.
 */
function stateLocation(state, mode) {
    if (!state && mode !== 'plan') {
        runner/* warning */.$e(`No \`state\` in the config: this ${mode} runs without a lock, so two runs at once could interleave their ` +
            'changes, and no record of it is kept. Add `state.bucket` and `state.key` (an S3 bucket the role can ' +
            'write) to lock applies and record them.');
    }
    return state;
}
/** The S3 client for the state bucket (its own region when `state.region` is set). */
function stateClient(session, location) {
    return clients/* clients */.b2.s3(session, location.region);
}
function lockKey(location) {
    return `${location.key}.lock`;
}
function s3Url(location, key = location.key) {
    return `s3://${location.bucket}/${key}`;
}
class LockedError extends outcome/* ActionFailure */.dR {
    found;
    constructor(message, found) {
        super('locked', message);
        this.found = found;
        this.name = 'LockedError';
    }
}
/** Who is running, for the lock: read from the runner's environment. */
function holderFromEnvironment(options) {
    const env = options.env ?? process.env;
    const random = (0,external_node_crypto_.randomUUID)().slice(0, 8);
    const holder = {
        formatVersion: 1,
        id: env.GITHUB_RUN_ID ? `run-${env.GITHUB_RUN_ID}.${env.GITHUB_RUN_ATTEMPT || '1'}-${random}` : `local-${random}`,
        operation: options.operation,
        cluster: options.cluster,
        who: env.GITHUB_TRIGGERING_ACTOR || env.GITHUB_ACTOR || localUser(),
        repository: env.GITHUB_REPOSITORY || undefined,
        runId: env.GITHUB_RUN_ID || undefined,
        runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
        runUrl: (0,workflow_run/* runUrl */.Vp)(env),
        workflow: env.GITHUB_WORKFLOW || undefined,
        job: env.GITHUB_JOB || undefined,
        commit: env.GITHUB_SHA || undefined,
        createdAt: (options.now?.() ?? new Date()).toISOString(),
        leaseSeconds: options.leaseSeconds ?? LOCK_LEASE_SECONDS,
    };
    return JSON.parse(JSON.stringify(holder));
}
function localUser() {
    try {
        return `${(0,external_node_os_.userInfo)().username}@${(0,external_node_os_.hostname)()}`;
    }
    catch {
        return `pid ${process.pid}@${(0,external_node_os_.hostname)()}`;
    }
}
/** The lock we hold. `release()` is safe to call more than once. */
class StateLock {
    s3;
    location;
    holder;
    etag;
    now;
    released = false;
    releasing;
    renewal;
    renewing;
    /** Set when a renewal found the lock taken by another run. */
    lost = false;
    constructor(s3, location, holder, etag, now = () => new Date()) {
        this.s3 = s3;
        this.location = location;
        this.holder = holder;
        this.etag = etag;
        this.now = now;
    }
    /** Renews the lock every third of its lease until it is released (the timer keeps no process alive). */
    startRenewal() {
        if (this.renewal || this.released)
            return;
        const every = ((this.holder.leaseSeconds ?? LOCK_LEASE_SECONDS) * 1000) / 3;
        this.renewal = setInterval(() => void this.renew(), every);
        this.renewal.unref();
    }
    /** Writes the lock again with a new `renewedAt`, only if it is still the one we wrote (`If-Match`). */
    renew() {
        this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
        return this.renewing;
    }
    async renewOnce() {
        if (this.released || this.lost || !this.etag)
            return;
        const { PutObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
        const url = s3Url(this.location, lockKey(this.location));
        const holder = { ...this.holder, renewedAt: this.now().toISOString() };
        try {
            const put = await this.s3.send(new PutObjectCommand({
                Bucket: this.location.bucket,
                Key: lockKey(this.location),
                Body: lockBody(holder),
                ContentType: 'application/json',
                IfMatch: this.etag,
            }));
            this.etag = put.ETag ?? this.etag;
            this.holder.renewedAt = holder.renewedAt;
        }
        catch (e) {
            if (isPreconditionFailed(e) || isMissing(e)) {
                // A retried renewal whose first write succeeded also answers 412: ours if the holder id is.
                const found = await readLock(this.s3, this.location).catch(() => undefined);
                if (found?.holder?.id === this.holder.id) {
                    this.etag = found.etag;
                    return;
                }
                this.lost = true;
                this.stopRenewal();
                runner/* error */.z3(`The state lock ${url} is no longer ours: it was not renewed in time and another run took it over ` +
                    `(${found ? describeHolder(found, this.now()) : 'it is gone'}). Two runs may now change the cluster at once.`);
            }
            else {
                runner/* warning */.$e(`The state lock ${url} could not be renewed (${(0,calls/* describeAwsError */.Pp)(e)}); trying again later.`);
            }
        }
    }
    stopRenewal() {
        if (this.renewal)
            clearInterval(this.renewal);
        this.renewal = undefined;
    }
    /** Ours still: release() has not been called. */
    get held() {
        return !this.releasing;
    }
    /** Deletes the lock (if it is still the one we wrote). A second call waits for the first one's delete. */
    release() {
        this.releasing ??= this.releaseOnce();
        return this.releasing;
    }
    async releaseOnce() {
        this.stopRenewal();
        await this.renewing?.catch(() => undefined);
        this.released = true;
        const { DeleteObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
        const url = s3Url(this.location, lockKey(this.location));
        try {
            await this.s3.send(new DeleteObjectCommand({
                Bucket: this.location.bucket,
                Key: lockKey(this.location),
                ...(this.etag ? { IfMatch: this.etag } : {}),
            }));
            runner/* info */.pq(`State lock released: ${url}`);
        }
        catch (e) {
            if (isPreconditionFailed(e)) {
                runner/* warning */.$e(`The state lock ${url} is no longer ours (someone broke it and another run took it); left it in place.`);
            }
            else if (isMissing(e)) {
                runner/* warning */.$e(`The state lock ${url} was already gone when this run finished (broken by another run?).`);
            }
            else {
                runner/* warning */.$e(`The state lock ${url} could not be released (${(0,calls/* describeAwsError */.Pp)(e)}). The next apply will find it and ` +
                    `take it over once its lease has run out (${formatAge((this.holder.leaseSeconds ?? LOCK_LEASE_SECONDS) * 1000)} after ` +
                    `its last renewal), or delete ${url} once no run is active.`);
            }
        }
    }
}
function lockBody(holder) {
    return `${JSON.stringify(holder, null, 2)}\n`;
}
/** How long the lock has gone without a write: from the later of the holder's last renewal and S3's LastModified. */
function lockAgeMs(found, now) {
    const times = [found.holder?.renewedAt, found.holder?.createdAt, found.lastModified?.toISOString()]
        .filter((t) => typeof t === 'string')
        .map((t) => Date.parse(t))
        .filter((t) => Number.isFinite(t));
    return times.length ? now.getTime() - Math.max(...times) : undefined;
}
/** The lease the holder declared (bounded to 1 s .. 24 h), or the default for a lock that declares none. */
function leaseOf(found) {
    const declared = found.holder?.leaseSeconds;
    if (typeof declared !== 'number' || !Number.isFinite(declared))
        return LOCK_LEASE_SECONDS;
    return Math.min(Math.max(declared, 1), 24 * 3600);
}
/** A lock whose age is past its lease: its holder stopped renewing it. */
function isStale(found, now) {
    const age = lockAgeMs(found, now);
    return age !== undefined && age > leaseOf(found) * 1000;
}
/**
 * Takes the lock, or fails at once naming its holder. A 412 whose lock carries our holder id is ours (the SDK retried
 * a write that had succeeded). A stale lock (past its lease) is taken over; a live one only with `break-lock: force`.
 * Both replace the very lock that was read (`If-Match` its ETag): when it changed meanwhile, the attempt repeats.
 */
async function acquireLock(s3, location, options) {
    const { PutObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    const url = s3Url(location, lockKey(location));
    const now = options.now ?? (() => new Date());
    const holder = holderFromEnvironment({ ...options, now });
    const taken = (etag, how) => {
        runner/* info */.pq(`State lock taken${how}: ${url} (${holder.operation} by ${holder.who}, holder ${holder.id})`);
        const lock = new StateLock(s3, location, holder, etag, now);
        if (options.renew !== false)
            lock.startRenewal();
        return lock;
    };
    let replacing;
    for (let attempt = 0; attempt < 4; attempt++) {
        try {
            const put = await s3.send(new PutObjectCommand({
                Bucket: location.bucket,
                Key: lockKey(location),
                Body: lockBody(holder),
                ContentType: 'application/json',
                ...(replacing?.etag ? { IfMatch: replacing.etag } : { IfNoneMatch: '*' }),
            }));
            if (!replacing && options.breakLock)
                runner/* info */.pq(`break-lock: there was no lock to break at ${url}`);
            return taken(put.ETag, replacing ? ' over' : '');
        }
        catch (e) {
            if (!isLockConflict(e) && !(replacing && isMissing(e))) {
                throw explainS3Error(e, location, lockKey(location), 'write');
            }
        }
        replacing = undefined;
        const found = await readLock(s3, location);
        if (!found)
            continue; // released meanwhile: try again
        if (found.holder?.id === holder.id) {
            // S3 stored our write, its answer was lost, and the SDK's retry met our own lock.
            return taken(found.etag, ' (the first write had succeeded; its retry found it)');
        }
        const at = now();
        if (isStale(found, at)) {
            runner/* warning */.$e(`The state lock ${url} is stale: held by ${describeHolder(found, at)}, not renewed for longer than its ` +
                `lease of ${formatAge(leaseOf(found) * 1000)}, so its run has stopped. Taking it over.`);
        }
        else if (options.breakLock === 'force') {
            runner/* warning */.$e(`break-lock: force: replacing the live state lock ${url} held by ${describeHolder(found, at)}`);
        }
        else {
            throw new LockedError(lockedMessage(found, location, at, options.breakLock === true), found);
        }
        replacing = found;
    }
    throw new outcome/* ActionFailure */.dR('locked', `The state lock ${url} changed hands repeatedly while this run tried to take it.`);
}
/** The lock in the bucket, or undefined when there is none. */
async function readLock(s3, location) {
    const { GetObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    try {
        const got = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: lockKey(location) }));
        const text = (await got.Body?.transformToString('utf8')) ?? '';
        return { holder: parseHolder(text), etag: got.ETag, lastModified: got.LastModified };
    }
    catch (e) {
        if (isMissing(e))
            return undefined;
        throw explainS3Error(e, location, lockKey(location), 'read');
    }
}
function parseHolder(text) {
    try {
        const data = JSON.parse(text);
        if (data?.formatVersion !== 1 || typeof data.who !== 'string' || typeof data.createdAt !== 'string')
            return undefined;
        return data;
    }
    catch {
        return undefined;
    }
}
/**
 * `octocat (apply of c, run https://…/runs/42 attempt 2, holder run-42.2-3f2a9c1e, since 2025-06-02T09:00:00Z,
 * 12 min ago; last written 2 min ago)`
 */
function describeHolder(found, now) {
    const h = found.holder;
    const since = h?.createdAt ?? found.lastModified?.toISOString();
    if (!h)
        return `an unknown holder: the lock object is not one this action wrote${since ? `, since ${since}` : ''}`;
    const run = h.runUrl
        ? `run ${h.runUrl}${h.runAttempt && h.runAttempt !== '1' ? ` attempt ${h.runAttempt}` : ''}`
        : 'a run outside GitHub Actions';
    const created = Date.parse(h.createdAt);
    const ago = Number.isFinite(created) ? `, ${formatAge(now.getTime() - created)} ago` : '';
    const written = lockAgeMs(found, now);
    const last = h.renewedAt && written !== undefined ? `; last renewed ${formatAge(written)} ago` : '';
    return `${h.who} (${h.operation} of ${h.cluster}, ${run}, holder ${h.id}, since ${h.createdAt}${ago}${last})`;
}
function lockedMessage(found, location, now, refusedBreak) {
    const url = s3Url(location, lockKey(location));
    const age = lockAgeMs(found, now) ?? 0;
    const left = formatAge(Math.max(0, leaseOf(found) * 1000 - age));
    const live = `It is live: renewed within its lease of ${formatAge(leaseOf(found) * 1000)} (it goes stale in ${left} without a renewal).`;
    if (refusedBreak) {
        return (`break-lock refused: the state lock ${url} is held by ${describeHolder(found, now)}. ${live} ` +
            'Let that run finish, or wait until the lock goes stale (the next run takes it over then). Only if you know ' +
            'that run is dead and no other is active: run again with `break-lock: force`.');
    }
    return (`The state is locked: ${url} is held by ${describeHolder(found, now)}. ${live} ` +
        'Wait for that run to finish and run this one again. A lock whose run died goes stale when its lease runs out ' +
        'and the next run takes it over; `break-lock: force` removes a live one.');
}
function formatAge(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return 'moments';
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 1)
        return `${Math.max(1, Math.round(ms / 1000))} s`;
    if (minutes < 120)
        return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48)
        return `${hours} h`;
    return `${Math.floor(hours / 24)} days`;
}
// ---------------------------------------------------------------------------------------------------------------
// S3 errors
// ---------------------------------------------------------------------------------------------------------------
function isPreconditionFailed(e) {
    return (0,calls/* awsErrorName */.ZH)(e) === 'PreconditionFailed' || (0,calls/* httpStatus */.nG)(e) === 412;
}
/** The object exists (412), or a concurrent conditional write won the race (409 ConditionalRequestConflict). */
function isLockConflict(e) {
    return isPreconditionFailed(e) || (0,calls/* awsErrorName */.ZH)(e) === 'ConditionalRequestConflict' || (0,calls/* httpStatus */.nG)(e) === 409;
}
/** No such object (a missing bucket is another matter). */
function isMissing(e) {
    const name = (0,calls/* awsErrorName */.ZH)(e);
    return name === 'NoSuchKey' || name === 'NotFound' || ((0,calls/* httpStatus */.nG)(e) === 404 && name !== 'NoSuchBucket');
}
/** One clear error per cause, naming the object, the permission and the fix. */
function explainS3Error(e, location, key, access) {
    const url = s3Url(location, key);
    const name = (0,calls/* awsErrorName */.ZH)(e) ?? 'Error';
    const said = `(${(0,calls/* describeAwsError */.Pp)(e)})`;
    const permission = { read: 's3:GetObject', write: 's3:PutObject', delete: 's3:DeleteObject' }[access];
    let message;
    if (name === 'NoSuchBucket') {
        message = `The state bucket ${location.bucket} does not exist ${said}: create it, or fix \`state.bucket\` in the config.`;
    }
    else if (name === 'AccessDenied' || (0,calls/* httpStatus */.nG)(e) === 403) {
        message =
            `Access denied to ${url} ${said}: the role needs ${permission} there (the state and its lock need ` +
                `s3:GetObject, s3:PutObject and s3:DeleteObject on arn:aws:s3:::${location.bucket}/${location.key}*).`;
    }
    else if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || (0,calls/* httpStatus */.nG)(e) === 301) {
        message = `The state bucket ${location.bucket} is in another region ${said}: set \`state.region\` in the config.`;
    }
    else if (name === 'NotImplemented' || (0,calls/* httpStatus */.nG)(e) === 501) {
        message =
            `The S3 endpoint cannot do conditional writes ${said}, which the state lock needs (If-None-Match on ` +
                'PutObject, If-Match on DeleteObject). Use Amazon S3 or a store that supports them.';
    }
    else {
        message = `Could not ${access} ${url} ${said}.`;
    }
    return new outcome/* ActionFailure */.dR('state', message, { cause: e });
}

;// CONCATENATED MODULE: ./src/session.ts
/**
 * One prepared run: the account and the cluster as read, a kubeconfig (the given one, or one for the EKS endpoint
 * with a token made and renewed here), the Kubernetes client (its `kubectl proxy` starts on first use), and the
 * state lock once taken. It disposes of all of that itself on every way out: close() at the end of the run, and a
 * cancelled job (GitHub sends SIGINT, then SIGTERM) closes it before the process exits, so that no lock is left for
 * the next run to break and no proxy or token file outlives the run.
 *
 * On a signal, no further helm process starts, and a running one (an upgrade halfway through) is waited for, up to
 * HELM_GRACE_MS, before the lock is released, so that the next run does not start while this one's helm still
 * changes the cluster. One still running after that is named in the log: helm leaves its release marked
 * `pending-*`, which the next run's plan stops at with the fix. The EKS kubeconfig (it holds a token) is removed in
 * every case.
 */







/** Exit codes of a process ended by these signals (128 + the signal's number), as a shell reports them. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 };
/** How long a cancelled run waits for a running helm process before it releases the lock and exits. */
const HELM_GRACE_MS = 2 * 60_000;
class Session {
    accountId;
    cluster;
    kube;
    eks;
    config;
    aws;
    heldLock;
    closing;
    cancelling = false;
    helmGraceMs;
    onSignal = (signal) => {
        if (this.closing || this.cancelling)
            return;
        this.cancelling = true;
        void this.cancel(signal).finally(() => process.exit(SIGNAL_EXIT[signal]));
    };
    constructor(options, accountId, cluster, kube, eks) {
        this.accountId = accountId;
        this.cluster = cluster;
        this.kube = kube;
        this.eks = eks;
        this.config = options.config;
        this.aws = options.aws;
        this.helmGraceMs = options.helmGraceMs ?? HELM_GRACE_MS;
        for (const signal of Object.keys(SIGNAL_EXIT))
            process.on(signal, this.onSignal);
    }
    /** The state lock this session holds, if it took one. */
    get lock() {
        return this.heldLock;
    }
    /** Takes the state lock for the rest of the session (it is released when the session closes). */
    async takeLock(location, options) {
        this.heldLock = await acquireLock(await stateClient(this.aws, location), location, options);
        return this.heldLock;
    }
    /** Releases the state lock before the session closes (an apply that is recorded, reported and changes nothing more). */
    async releaseLock() {
        await this.heldLock?.release();
    }
    /** A cancelled run: helm first (bounded), then close(). */
    async cancel(signal) {
        const helm = this.kube.helmRunning;
        const waiting = helm.length
            ? [`waiting up to ${this.helmGraceMs / 1000} s for helm ${helm.join(', ')} to finish`]
            : [];
        runner/* warning */.$e(`${signal}: the run is being cancelled; ${[...waiting, ...this.cleanup()].join(', ')}`);
        const left = await this.kube.drain(this.helmGraceMs);
        if (helm.length && !left.length)
            runner/* info */.pq(`${signal}: helm ${helm.join(', ')} finished`);
        if (left.length) {
            runner/* warning */.$e(`${signal}: helm ${left.join(', ')} is still running after ${this.helmGraceMs / 1000} s. Its release stays ` +
                'marked pending-install or pending-upgrade, and the next run stops at it with the fix (`helm rollback`, or ' +
                '`helm uninstall` if it was never deployed).');
        }
        await this.close();
    }
    cleanup() {
        return [
            ...(this.heldLock?.held ? ['releasing the state lock'] : []),
            'stopping the Kubernetes proxy',
            ...(this.eks ? ['removing the kubeconfig'] : []),
        ];
    }
    /** Releases the lock, stops the proxy, removes the kubeconfig. Safe to call more than once. */
    close() {
        this.closing ??= (async () => {
            try {
                await this.heldLock?.release();
            }
            finally {
                this.eks?.close();
                await this.kube.close();
                for (const signal of Object.keys(SIGNAL_EXIT))
                    process.removeListener(signal, this.onSignal);
            }
        })();
        return this.closing;
    }
}
/** Reads the account and the cluster and prepares the way to it. */
async function openSession(options) {
    const { config, aws } = options;
    // A given kubeconfig needs nothing from AWS: its proxy starts while the account and the cluster are read.
    const given = options.kube ?? (options.kubeconfig ? new client.KubeClient(options.kubeconfig, { recorder: aws.recorder }) : undefined);
    given?.warm();
    let account;
    let cluster;
    try {
        ;
        [account, cluster] = await Promise.all([(0,credentials/* callerAccount */.Xr)(aws), describeCluster(aws, config.cluster.name)]);
    }
    catch (e) {
        await given?.close();
        throw e;
    }
    runner/* info */.pq(`AWS: account ${account.accountId} as ${account.arn}; cluster ${cluster.name} is ${cluster.status}`);
    if (given) {
        // The reason may name the kubeconfig's own keys: one line, whatever they hold.
        runner/* info */.pq(`Kubernetes: the given kubeconfig, its API ${(0,report_escape/* oneLine */.TN)(given.way)}`);
        return new Session(options, account.accountId, cluster, given);
    }
    // Otherwise a kubeconfig for the EKS endpoint with a token made in-process, renewed while we run.
    const eks = await eksKubeconfig({ session: aws, cluster });
    const kube = new client.KubeClient(eks.path, { recorder: aws.recorder });
    kube.warm();
    runner/* info */.pq(`Kubernetes: ${cluster.endpoint} with an EKS token, its API ${(0,report_escape/* oneLine */.TN)(kube.way)}`);
    return new Session(options, account.accountId, cluster, kube, eks);
}
/** Runs `fn` with an open session, and closes it however `fn` ends. */
async function withSession(options, fn) {
    const session = await openSession(options);
    try {
        return await fn(session);
    }
    finally {
        await session.close();
    }
}

;// CONCATENATED MODULE: ./src/state/record.ts
/**
 * The state record at `state.key`: what the last apply or destroy did (plan id, resources and their results,
 * versions, who, when), with a short history of the ones before. Written after every apply or destroy that
 * changed something, under the lock. It holds names, actions and outputs (ARNs, names); never field values.
 */



/** How many earlier applies the record keeps, newest first. */
const HISTORY_LENGTH = 20;
const record_MAX_ERROR_CHARS = 500;
function buildRecord(input, previous) {
    const { plan, results } = input;
    const byId = new Map(plan.changes.map((c) => [c.id, c]));
    const resources = results.map((r) => {
        const c = byId.get(r.id);
        const fields = c?.fields.map((f) => f.path) ?? [];
        return {
            id: r.id,
            kind: c?.kind ?? '',
            name: c?.name ?? '',
            action: r.action,
            status: r.status,
            durationMs: r.durationMs,
            ...(fields.length ? { fields } : {}),
            ...(r.error ? { error: r.error.slice(0, record_MAX_ERROR_CHARS) } : {}),
        };
    });
    const last = JSON.parse(JSON.stringify({
        planId: input.planId,
        mode: plan.mode,
        outcome: results.some((r) => r.status === 'failed') ? 'failed' : 'applied',
        at: (input.now ?? new Date()).toISOString(),
        who: input.holder.who,
        runUrl: input.holder.runUrl,
        commit: input.holder.commit,
        versions: input.versions,
        summary: plan.summary,
        resources,
    }));
    const earlier = previous?.last ? [withoutResources(previous.last), ...(previous.history ?? [])] : [];
    return {
        formatVersion: 1,
        cluster: plan.cluster,
        region: plan.region,
        last,
        history: earlier.slice(0, HISTORY_LENGTH),
        outputs: plan.outputs,
    };
}
function withoutResources(entry) {
    const { resources: _, ...rest } = entry;
    return rest;
}
/** The record at `state.key`, or undefined when there is none yet (or it is not one this action wrote). */
async function readRecord(s3, location) {
    const { GetObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    let text;
    try {
        const got = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
        text = (await got.Body?.transformToString('utf8')) ?? '';
    }
    catch (e) {
        if (isMissing(e))
            return undefined;
        throw explainS3Error(e, location, location.key, 'read');
    }
    try {
        const data = JSON.parse(text);
        if (data?.formatVersion === 1 && data.last)
            return data;
    }
    catch {
        // fall through
    }
    runner/* warning */.$e(`${s3Url(location)} is not a state record this action wrote; it will be replaced by a new one`);
    return undefined;
}
/**
 * Writes the record of this apply (keeping the history of the earlier ones). The cluster is already changed when
 * this runs, so a failure here is a warning naming the cause, not a failed run. Returns whether it was written.
 */
async function writeRecord(s3, location, input) {
    const { PutObjectCommand } = await Promise.all(/* import() */[__webpack_require__.e(118), __webpack_require__.e(861), __webpack_require__.e(711)]).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    try {
        const previous = await readRecord(s3, location);
        const record = buildRecord(input, previous);
        await s3.send(new PutObjectCommand({
            Bucket: location.bucket,
            Key: location.key,
            Body: `${JSON.stringify(record, null, 2)}\n`,
            ContentType: 'application/json',
        }));
        runner/* info */.pq(`State record written: ${s3Url(location)} (plan ${input.planId}, ${record.last.outcome})`);
        return true;
    }
    catch (e) {
        const why = e?.reason === 'state' ? e.message : (0,calls/* describeAwsError */.Pp)(e);
        runner/* warning */.$e(`The state record ${s3Url(location)} could not be written: ${why}`);
        return false;
    }
}

;// CONCATENATED MODULE: ./src/verify.ts





/**
 * What the Karpenter controller checks before it sets a condition True: named in a failure, so that the reader knows
 * where to look (the controller's permissions, the selectors, the instance profile).
 */
const CONDITION_NEEDS = {
    SubnetsReady: 'resolves subnetSelectorTerms with ec2:DescribeSubnets',
    SecurityGroupsReady: 'resolves securityGroupSelectorTerms with ec2:DescribeSecurityGroups',
    AMIsReady: 'resolves the AMI alias through SSM parameters and ec2:DescribeImages',
    InstanceProfileReady: 'reads the instance profile with iam:GetInstanceProfile',
    CapacityReservationsReady: 'resolves capacity reservations with ec2:DescribeCapacityReservations',
    ValidationSucceeded: 'checks it may launch instances with this EC2NodeClass (ec2:RunInstances dry runs, tags)',
    NodeClassReady: 'follows the EC2NodeClass Ready condition',
};
/** Kinds the Karpenter controller reconciles to Ready=True. */
const RECONCILED = new Set(['NodePool', 'EC2NodeClass']);
/** How long an object may show no condition at all before verify says no controller reconciles it. */
const RECONCILE_TIMEOUT_MS = 120_000;
/** How long Ready=False may last before verify fails. */
const NOT_READY_TIMEOUT_MS = 60_000;
/**
 * Time between two looks at the Deployment and the objects. Each look reads every object still waited for at once,
 * which the Kubernetes client makes one LIST per kind from three objects on. A freshly started controller reports
 * Ready within seconds: looked for every VERIFY_POLL_MS for the first VERIFY_FAST_MS of the wait, then every
 * VERIFY_SLOW_POLL_MS (a wait of minutes is a controller that is slow or stuck: no need for ten looks a second).
 */
const VERIFY_POLL_MS = 100;
const VERIFY_FAST_MS = 20_000;
const VERIFY_SLOW_POLL_MS = 1000;
const seconds = (ms) => (ms % 60_000 === 0 ? `${ms / 60_000} minute(s)` : `${Math.round(ms / 1000)} s`);
function verify_conditionsOf(live) {
    return (live.status?.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
    }));
}
/** The conditions that are not True, with their reasons and messages, and what the controller needs for each. */
function describeNotTrue(conditions) {
    return conditions
        .filter((c) => c.status !== 'True')
        .map((c) => {
        const why = CONDITION_NEEDS[c.type];
        return (`${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` +
            (why ? ` [the controller ${why}]` : ''));
    })
        .join('; ');
}
/**
 * After an apply: the Karpenter Deployment is Available (waiting for it, bounded by karpenter.timeout); each desired
 * object exists with the desired spec; and the NodePools and EC2NodeClasses are reconciled by the controller to
 * Ready=True. Waiting for that: Ready=False for NOT_READY_TIMEOUT_MS fails, naming the conditions that are not True and
 * their messages; no condition at all after RECONCILE_TIMEOUT_MS fails, saying that no Karpenter controller has
 * reconciled the object; any other state not Ready by then fails with its conditions.
 */
async function verify(kube, opts) {
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const begun = now();
    const pollMs = () => opts.pollMs ?? (now() - begun < VERIFY_FAST_MS ? VERIFY_POLL_MS : VERIFY_SLOW_POLL_MS);
    const reconcileMs = opts.reconcileTimeoutMs ?? RECONCILE_TIMEOUT_MS;
    const notReadyMs = opts.notReadyTimeoutMs ?? NOT_READY_TIMEOUT_MS;
    const problems = [];
    const notes = [];
    const release = await readRelease(kube, opts.namespace, opts.release);
    const deployObj = release ? releaseObjects(release).find((o) => o.kind === 'Deployment') : undefined;
    const name = deployObj?.metadata.name ?? opts.release;
    const deployment = { name: `${opts.namespace}/${name}`, available: false, replicas: '0/0' };
    if (!release)
        problems.push(`helm release ${opts.namespace}/${opts.release} does not exist`);
    else {
        const deadline = now() + durationMs(opts.timeout);
        for (;;) {
            const d = await kube.get({ ...types/* DEPLOYMENT */.uH, name, namespace: opts.namespace });
            const status = (d?.status ?? {});
            const spec = (d?.spec ?? {});
            deployment.replicas = `${status.availableReplicas ?? 0}/${spec.replicas ?? 0}`;
            deployment.available = Boolean(status.conditions?.some((c) => c.type === 'Available' && c.status === 'True'));
            if (deployment.available || now() > deadline)
                break;
            await sleep(pollMs());
        }
        if (!deployment.available) {
            problems.push(`Deployment ${deployment.name} is not Available (${deployment.replicas} replicas available): see \`kubectl -n ${opts.namespace} describe deployment ${name}\``);
        }
    }
    // Every desired object exists with the desired spec; the reconciled kinds are then waited for.
    const objects = new Map();
    const pending = [];
    const found = await Promise.all(opts.desired.map((want) => kube.get((0,types/* refOf */.H8)(want))));
    for (const [i, want] of opts.desired.entries()) {
        const key = objectKey(want);
        const live = found[i];
        if (!live) {
            problems.push(`${key} does not exist`);
            objects.set(key, { object: key, exists: false, specMatches: false, conditions: [] });
            continue;
        }
        const specMatches = isSubset(want.spec, live.spec);
        if (!specMatches)
            problems.push(`${key}: the live spec differs from the desired one (another field manager changed it?)`);
        objects.set(key, { object: key, exists: true, specMatches, conditions: verify_conditionsOf(live) });
        if (RECONCILED.has(want.kind))
            pending.push(want);
    }
    // Without an Available controller nothing will reconcile them: report what they show now.
    const started = now();
    const falseSince = new Map();
    while (pending.length && deployment.available) {
        const t = now();
        const looked = [...pending];
        const lives = await Promise.all(looked.map((want) => kube.get((0,types/* refOf */.H8)(want))));
        for (const [i, want] of looked.entries()) {
            const key = objectKey(want);
            const live = lives[i];
            const health = objects.get(key);
            if (!live) {
                problems.push(`${key} was deleted while verifying`);
                objects.set(key, { ...health, exists: false, conditions: [] });
                pending.splice(pending.indexOf(want), 1);
                continue;
            }
            const conditions = verify_conditionsOf(live);
            objects.set(key, { ...health, conditions });
            const ready = conditions.find((c) => c.type === 'Ready');
            const done = (problem) => {
                if (problem)
                    problems.push(problem);
                pending.splice(pending.indexOf(want), 1);
            };
            if (ready?.status === 'True')
                done();
            else if (ready?.status === 'False') {
                const since = falseSince.get(key) ?? t;
                falseSince.set(key, since);
                if (t - since >= notReadyMs) {
                    done(`${key} is not Ready (Ready=False for ${seconds(notReadyMs)}): ${describeNotTrue(conditions)}`);
                }
            }
            else {
                falseSince.delete(key);
                if (t - started >= reconcileMs) {
                    done(conditions.length
                        ? `${key} is not Ready after ${seconds(reconcileMs)}: ${describeNotTrue(conditions) || 'no Ready condition'}`
                        : `${key} has no status conditions after ${seconds(reconcileMs)}: no Karpenter controller has reconciled it. ` +
                            `Is the controller running and allowed in? See \`kubectl -n ${opts.namespace} logs deployment/${name}\``);
                }
            }
        }
        if (pending.length)
            await sleep(pollMs());
    }
    if (!deployment.available) {
        for (const want of pending) {
            const h = objects.get(objectKey(want));
            if (h.conditions.some((c) => c.status !== 'True'))
                notes.push(`${h.object}: ${describeNotTrue(h.conditions)}`);
        }
    }
    return { deployment, objects: [...objects.values()], problems, notes };
}
/** The report as log lines. */
function verifyLines(r) {
    const lines = [
        `Deployment ${r.deployment.name}: ${r.deployment.available ? 'Available' : 'NOT Available'} (${r.deployment.replicas})`,
    ];
    for (const o of r.objects) {
        const conds = o.conditions.map((c) => `${c.type}=${c.status}`).join(', ') || 'no conditions yet';
        lines.push(`${o.object}: ${!o.exists ? 'MISSING' : o.specMatches ? 'spec as desired' : 'SPEC DIFFERS'}; ${conds}`);
    }
    for (const n of r.notes)
        lines.push(`note: ${n}`);
    for (const p of r.problems)
        lines.push(`problem: ${p}`);
    return lines;
}
/** Karpenter is not healthy after the apply (reason `verify`); the report says what is wrong. */
class VerifyError extends outcome/* ActionFailure */.dR {
    report;
    constructor(report) {
        super('verify', `verification after apply failed: ${report.problems.join('; ')}`);
        this.report = report;
        this.name = 'VerifyError';
    }
}
/**
 * After an apply: verify() for the release and the desired objects of the plan's resources. Throws a VerifyError
 * (holding the report) when something is wrong.
 */
async function verifyKarpenter(ctx, resources, wait = {}) {
    const k = ctx.config.karpenter;
    const desired = resources
        .filter((r) => r instanceof KubeObjectResource && r.wanted)
        .map((r) => r.spec.object);
    const report = await verify(ctx.kube, {
        namespace: k.namespace,
        release: k.release,
        desired,
        timeout: k.timeout,
        ...wait,
    });
    if (report.problems.length)
        throw new VerifyError(report);
    return report;
}

;// CONCATENATED MODULE: ./src/pipeline.ts
/**
 * Everything after the credentials, in one prepared session (src/session.ts), along one of two paths:
 *
 *   plan:           pre-flight → plan → report → the pull-request comment → (a drift check fails on changes)
 *   apply, destroy: pre-flight (not for destroy) → plan → (something to do: lock, confirm under it that nothing the
 *                   plan read has moved, else plan again under it) → report →
 *                   the reviewed-plan check → apply the planned steps → record → report the results (then the lock
 *                   is released); an apply with no failed step verifies meanwhile, from the moment its last step is done
 */


















/**
 * `kube`: the client of the kubeconfig given to the action, its proxy already starting (main makes it); without a
 * given kubeconfig the session makes one for EKS.
 */
async function runPipeline(inputs, config, aws, kube) {
    const pr = PullRequestFlow.fromInputs({
        comment: inputs.comment,
        githubToken: inputs.githubToken,
        prNumber: inputs.prNumber,
        applyRequires: inputs.applyRequires,
    });
    await withSession({ config, aws, kubeconfig: (0,src_inputs/* givenKubeconfig */.vP)(inputs), kube }, (session) => inputs.mode === 'plan' ? planPath(session, inputs, pr) : changePath(session, inputs, pr));
}
/** Plans, reports and comments; a drift check fails when it finds changes. Changes nothing. */
async function planPath(session, inputs, pr) {
    const { plan } = await preflightAndPlan(session, inputs.mode);
    const planId = planFingerprint(plan);
    const drift = isDriftCheck(inputs.mode, pr.event.eventName);
    await report(plan, { ...markdownContext(planId, pr), drift });
    await pr.publish(plan, planId);
    if (drift && hasChanges(plan)) {
        throw new outcome/* DriftDetected */.M0(`Drift: ${session.config.cluster.name} differs from ${inputs.config}. ${summaryLine(plan)} ` +
            'Run the apply to bring it back, or change the config to match. The job summary has the plan.');
    }
}
/** Plans, then carries out exactly what was planned (and reviewed, with `pr-number`). */
async function changePath(session, inputs, pr) {
    const { mode } = inputs;
    const state = stateLocation(session.config.state, mode);
    // Destroy skips pre-flight, so that a config gone stale never blocks a teardown.
    const planning = mode === 'destroy' ? runner/* group */.Os('Plan', () => logged(planAll(session, mode, []))) : preflightAndPlan(session, mode);
    // The lock is taken through S3 as soon as the plan has changes: the S3 client's code loads while the plan waits
    // for its reads and renderings, not after it. Nothing is sent.
    if (state)
        setImmediate(() => void stateClient(session.aws, state).catch(() => undefined));
    let planned = await planning;
    const warnings = planned.plan.warnings;
    // A run with something to do takes the state lock, then confirms under it that what it applies is what is there
    // while no other run can change it. One with nothing to do writes nothing at all, not even a lock.
    const changes = hasChanges(planned.plan);
    if (changes)
        (0,clients/* loadWriteClients */.Ke)(session.aws, planned.steps.map((s) => s.id));
    if (state && changes) {
        await session.takeLock(state, {
            operation: mode,
            cluster: session.config.cluster.name,
            breakLock: inputs.breakLock,
        });
        // Under the lock, confirm that nothing the plan read has moved (versions, revisions; AWS state read again),
        // rather than planning everything again; anything that moved means a full plan under the lock.
        const first = planned;
        const moved = await runner/* group */.Os('Confirm the plan under the lock', async () => {
            const started = Date.now();
            const found = await movedSince(first, first.resources);
            const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
            if (found.length === 0)
                runner/* info */.pq(`nothing changed since the plan was read (${took}): applying it`);
            else
                runner/* info */.pq(`changed since the plan was read (${took}): ${found.map((r) => `${r.kind} ${r.name}`).join(', ')}`);
            return found;
        });
        if (moved.length) {
            planned = await runner/* group */.Os('Plan again, under the lock (something changed since the first plan)', () => logged(planAll(session, mode, warnings)));
        }
    }
    const { plan, steps, resources } = planned;
    const planId = planFingerprint(plan);
    await report(plan, markdownContext(planId, pr));
    if (inputs.prNumber !== undefined)
        await pr.checkReviewedPlan(plan, planId);
    if (!hasChanges(plan)) {
        runner/* info */.pq('Nothing to do.');
        await pr.publishResult(plan, planId, []);
        return;
    }
    const results = await runner/* group */.Os(mode === 'destroy' ? 'Destroy' : 'Apply', () => applyPlan(steps, resources, {
        onEvent: (e) => (e.type === 'failed' ? runner/* error */.z3(eventLine(e)) : runner/* info */.pq(eventLine(e))),
    }));
    // Verify only reads: it starts as soon as the last step is done, while the record, the job summary and the
    // comment are written (the controller is starting meanwhile). Its report is logged, and its verdict given, last.
    const verifying = mode === 'apply' && results.every((r) => r.status === 'done') ? startVerify(session, resources) : undefined;
    const lock = session.lock;
    if (lock && state) {
        await writeRecord(await stateClient(session.aws, state), state, {
            plan,
            planId,
            results,
            holder: lock.holder,
            versions: { karpenter: session.config.karpenter.version },
        });
    }
    await writeJobSummary(renderMarkdown(plan, { ...markdownContext(planId, pr), results }));
    await pr.publishResult(plan, planId, results);
    // Changed, recorded and reported (the comment too, so that the next run's result comes after this one's): nothing
    // after this changes anything, so the next run need not wait for this one's verify (minutes, when the controller
    // is slow to come up).
    await session.releaseLock();
    failOnFailedChanges(results);
    if (verifying)
        await runner/* group */.Os('Verify', () => verifying.then(logVerify));
}
/**
 * Pre-flight reads the account and the VPC, so that every problem of the config is reported before anything
 * changes. It and the plan only read, so they read at once: the plan's reads run while pre-flight's are answered
 * (the EC2 client loads meanwhile). Pre-flight's verdict is awaited first: when it finds a problem, that is the
 * error, whatever the plan found. The log shows pre-flight, then the plan.
 */
async function preflightAndPlan(session, mode) {
    const planning = planAll(session, mode, []);
    // Settled here so that a plan failing while pre-flight still runs is no unhandled rejection; awaited below.
    planning.catch(() => undefined);
    const { warnings } = await runner/* group */.Os('Pre-flight', () => preflight(session));
    const planned = await runner/* group */.Os('Plan', () => logged(planning));
    return { ...planned, plan: { ...planned.plan, warnings } };
}
async function logged(planning) {
    const planned = await planning;
    runner/* info */.pq(`planned ${planned.plan.changes.length} resources in ${planned.seconds.toFixed(1)}s`);
    return planned;
}
async function planAll(session, mode, warnings) {
    const began = Date.now();
    const { resources, started } = await readingGraph(session, { mode });
    const result = await plan({
        mode,
        cluster: session.config.cluster.name,
        region: session.config.cluster.region,
        resources,
        started,
        outputs: planOutputs(session),
        warnings,
    });
    return { ...result, resources, seconds: (Date.now() - began) / 1000 };
}
/** The plan in the log, the outputs and the job summary. */
async function report(plan, context) {
    runner/* info */.pq(renderText(plan));
    const { add, change, destroy } = plan.summary;
    runner/* setOutput */.uH('has-changes', String(hasChanges(plan)));
    runner/* setOutput */.uH('to-add', String(add));
    runner/* setOutput */.uH('to-change', String(change));
    runner/* setOutput */.uH('to-destroy', String(destroy));
    runner/* setOutput */.uH('plan-id', context.planId);
    for (const [k, v] of Object.entries(plan.outputs))
        runner/* setOutput */.uH(k, v);
    await writeJobSummary(renderMarkdown(plan, context));
}
function markdownContext(planId, pr) {
    return { planId, commit: pr.event.headSha, repoUrl: pr.event.repoUrl, runUrl: pr.event.runUrl };
}
function failOnFailedChanges(results) {
    const failed = results.filter((r) => r.status === 'failed');
    const skipped = results.filter((r) => r.status === 'skipped');
    const done = results.filter((r) => r.status === 'done');
    runner/* info */.pq(`Apply complete: ${done.length} done, ${failed.length} failed, ${skipped.length} not started.`);
    if (failed.length) {
        throw new outcome/* ActionFailure */.dR('apply', `${failed.length} change(s) failed: ${failed.map((f) => `${f.id}: ${f.error}`).join('; ')}. ` +
            'Nothing after the failure was started; fix the cause and run again: the next run plans from what exists.');
    }
}
/** verifyKarpenter(), settled: its outcome is awaited (and logged) after the record and the comment. */
function startVerify(session, resources) {
    return verifyKarpenter(session, resources).then((report) => ({ report }), (error) => ({ error }));
}
function logVerify(verified) {
    if ('report' in verified) {
        for (const line of verifyLines(verified.report))
            runner/* info */.pq(line);
        return;
    }
    if (verified.error instanceof VerifyError)
        for (const line of verifyLines(verified.error.report))
            runner/* info */.pq(line);
    throw verified.error;
}


/***/ })

};
