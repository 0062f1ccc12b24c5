// The JSON Schema of the configuration file: the one source of its keys, their types and their defaults. From it come
// the Config type (src/config/types.ts), the defaults the loader fills in (`<cluster>` stands for cluster.name), and,
// through `npm run schema`, the files in the generated folders: schema/generated/karpenter-config.schema.json for
// editors and src/config/generated/validate-config.js for the loader. A unit test fails when those are stale.
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/opsfleet/karpenter-action/schema/generated/karpenter-config.schema.json',
  title: 'karpenter-action configuration',
  description:
    'Karpenter on an existing EKS cluster: the IAM it needs, the interruption queue, the Helm release and the node pools.',
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
          description:
            'AWS region of the cluster, e.g. eu-west-1, cn-north-1, us-gov-west-1. The `aws-region` input overrides it.',
        },
        vpcId: {
          type: 'string',
          pattern: '^vpc-[0-9a-f]+$',
          description:
            "The cluster's VPC. Subnets and security groups must belong to it. Default: the VPC of the cluster.",
        },
        partition: {
          type: 'string',
          enum: ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'],
          description:
            "AWS partition of every ARN the action builds. Default: the region's (aws-cn, aws-us-gov, aws-iso... for their regions, aws elsewhere); set, it must agree with the region.",
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
          description:
            'mode destroy: also uninstall the CRD chart (deletes every NodePool, EC2NodeClass and NodeClaim).',
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
      description:
        'IAM names. Existing roles, policies and instance profiles of these names are adopted, never recreated.',
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
          description:
            "Name of the controller's managed policy (split into -2, -3... past IAM's 6,144-character limit).",
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
          description:
            'How nodes join: an EKS access entry, the aws-auth ConfigMap, or auto (access entry when the cluster allows it).',
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
      description:
        'Where the lock and the record of applies live (S3). Without it the action works unlocked and warns.',
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
      description:
        'Destroy also what the action adopted (it existed before the action first ran: a role, its policies and instance profiles, a shared namespace), detaching everything from it. Default: destroy leaves adopted resources and says so in the plan.',
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
} as const
