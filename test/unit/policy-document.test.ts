import { describe, expect, it } from '@jest/globals'

import {
  canonicalPolicyJson,
  diffPolicies,
  normalizePolicy,
  parsePolicy,
  policiesEqual,
  policySize,
  statementLabel,
  statementsOf,
  type ConditionBlock,
  type PolicyDocument,
  type Statement,
} from '../../src/aws/policy-document.js'

const sample: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowRead',
      Effect: 'Allow',
      Action: ['ec2:DescribeSubnets', 'ec2:DescribeImages'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
    },
    {
      Sid: 'AllowPass',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:aws:iam::123456789012:role/karpenter-role',
    },
  ],
}

const first = (doc: PolicyDocument): Statement => statementsOf(doc)[0]

/** As IAM returns documents from GetRolePolicy, GetPolicyVersion and GetRole (RFC 3986 encoding). */
function iamEncoded(doc: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(doc))
}

describe('parsePolicy', () => {
  it('accepts an object, JSON text and URL-encoded JSON text alike', () => {
    expect(parsePolicy(sample)).toEqual(sample)
    expect(parsePolicy(JSON.stringify(sample, null, 2))).toEqual(sample)
    expect(parsePolicy(iamEncoded(sample))).toEqual(sample)
  })

  it('decodes the form IAM really returns', () => {
    const fromIam =
      '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D'
    expect(parsePolicy(fromIam)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    })
  })

  it('rejects text that is not a policy', () => {
    expect(() => parsePolicy('not a policy')).toThrow(/not valid JSON/)
    expect(() => parsePolicy('%E0%A4%A')).toThrow(/neither JSON nor URL-encoded JSON/)
    expect(() => parsePolicy('{"Version":"2012-10-17"}')).toThrow(/no Statement/)
    expect(() => parsePolicy('[1]')).toThrow(/must be a JSON object/)
  })
})

describe('normalizePolicy', () => {
  it('produces one canonical shape', () => {
    expect(normalizePolicy(sample)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowPass',
          Effect: 'Allow',
          Action: ['iam:passrole'],
          Resource: ['arn:aws:iam::123456789012:role/karpenter-role'],
        },
        {
          Sid: 'AllowRead',
          Effect: 'Allow',
          Action: ['ec2:describeimages', 'ec2:describesubnets'],
          Resource: ['*'],
          Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
        },
      ],
    })
  })

  it('keeps Version and Id, and does not invent them', () => {
    expect(normalizePolicy({ Id: 'X', Statement: [] })).toEqual({ Id: 'X', Statement: [] })
    expect(normalizePolicy({ Statement: [] })).toEqual({ Statement: [] })
  })

  it('drops exact duplicate statements and duplicate list entries', () => {
    const doubled: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 'S3:GetObject'], Resource: ['a', 'a'] },
        { Effect: 'Allow', Action: 's3:getobject', Resource: 'a' },
      ],
    }
    expect(normalizePolicy(doubled).Statement).toEqual([{ Effect: 'Allow', Action: ['s3:getobject'], Resource: ['a'] }])
  })
})

describe('policiesEqual', () => {
  it('treats URL-encoded and plain documents as equal', () => {
    expect(policiesEqual(iamEncoded(sample), sample)).toBe(true)
    expect(policiesEqual(JSON.stringify(sample), iamEncoded(sample))).toBe(true)
  })

  it('ignores the order of statements, list entries, condition operators and keys', () => {
    const reordered: PolicyDocument = {
      Statement: [
        {
          Resource: ['arn:aws:iam::123456789012:role/karpenter-role'],
          Action: ['iam:PassRole'],
          Effect: 'Allow',
          Sid: 'AllowPass',
        },
        {
          Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
          Resource: ['*'],
          Action: ['ec2:DescribeImages', 'ec2:DescribeSubnets'],
          Effect: 'Allow',
          Sid: 'AllowRead',
        },
      ],
      Version: '2012-10-17',
    }
    expect(policiesEqual(reordered, sample)).toBe(true)

    const conditions = (order: 'ab' | 'ba'): PolicyDocument => {
      const a = { StringEquals: { 'k:1': 'x', 'k:2': ['z', 'y'] } }
      const b = { StringLike: { 'k:3': '*' } }
      return {
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*', Condition: order === 'ab' ? { ...a, ...b } : { ...b, ...a } },
        ],
      }
    }
    const swappedKeys: PolicyDocument = {
      Statement: [
        {
          Effect: 'Allow',
          Action: '*',
          Resource: '*',
          Condition: { StringLike: { 'k:3': '*' }, StringEquals: { 'k:2': ['y', 'z'], 'k:1': ['x'] } },
        },
      ],
    }
    expect(policiesEqual(conditions('ab'), conditions('ba'))).toBe(true)
    expect(policiesEqual(conditions('ab'), swappedKeys)).toBe(true)
  })

  it('unifies a single string and a one-element list in every list field', () => {
    const asStrings: PolicyDocument = {
      Statement: {
        Effect: 'Deny',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        NotAction: 'iam:*',
        NotResource: 'arn:aws:s3:::bucket',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    }
    const asLists: PolicyDocument = {
      Statement: [
        {
          Effect: 'Deny',
          Principal: { AWS: ['arn:aws:iam::123456789012:root'] },
          NotAction: ['iam:*'],
          NotResource: ['arn:aws:s3:::bucket'],
          Condition: { Bool: { 'aws:SecureTransport': [false] } },
        },
      ],
    }
    expect(policiesEqual(asStrings, asLists)).toBe(true)
  })

  it('compares action names case-insensitively but ARNs and values case-sensitively', () => {
    const upper: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: 'EC2:RunInstances', Resource: 'arn:aws:s3:::Bucket' }],
    }
    const lower: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: 'ec2:runinstances', Resource: 'arn:aws:s3:::Bucket' }],
    }
    const otherArn: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: 'arn:aws:s3:::bucket' }],
    }
    expect(policiesEqual(upper, lower)).toBe(true)
    expect(policiesEqual(upper, otherArn)).toBe(false)
  })

  it('keeps Principal "*" distinct from {"AWS": "*"}', () => {
    const star: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }],
    }
    const anyAws: PolicyDocument = {
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sqs:SendMessage', Resource: '*' }],
    }
    expect(policiesEqual(star, anyAws)).toBe(false)
    expect(normalizePolicy(star).Statement[0].Principal).toBe('*')
    expect(normalizePolicy(anyAws).Statement[0].Principal).toEqual({ AWS: ['*'] })
  })

  it('sees a changed action, resource, effect, Sid, condition or Version', () => {
    const changed = (edit: (doc: PolicyDocument) => void): PolicyDocument => {
      const copy = structuredClone(sample)
      edit(copy)
      return copy
    }
    expect(
      policiesEqual(
        sample,
        changed((d) => (first(d).Action = ['ec2:DescribeSubnets', 'ec2:DescribeImage'])),
      ),
    ).toBe(false)
    expect(
      policiesEqual(
        sample,
        changed((d) => (first(d).Resource = 'arn:aws:ec2:*:*:*')),
      ),
    ).toBe(false)
    expect(
      policiesEqual(
        sample,
        changed((d) => (first(d).Effect = 'Deny')),
      ),
    ).toBe(false)
    expect(
      policiesEqual(
        sample,
        changed((d) => (first(d).Sid = 'Other')),
      ),
    ).toBe(false)
    expect(
      policiesEqual(
        sample,
        changed((d) => ((first(d).Condition as ConditionBlock).StringEquals['aws:RequestedRegion'] = 'eu-west-2')),
      ),
    ).toBe(false)
    expect(
      policiesEqual(
        sample,
        changed((d) => delete d.Version),
      ),
    ).toBe(false)
  })
})

describe('canonicalPolicyJson', () => {
  it('is the same string for equal documents, whatever their key order', () => {
    const a = canonicalPolicyJson(sample)
    const b = canonicalPolicyJson(iamEncoded({ Statement: [...statementsOf(sample)].reverse(), Version: '2012-10-17' }))
    expect(a).toBe(b)
    expect(a.startsWith('{"Version":"2012-10-17","Statement":[{"Sid":"AllowPass","Effect":"Allow","Action"')).toBe(true)
  })
})

describe('policySize', () => {
  it('counts the minified document, whatever whitespace or encoding it arrived with', () => {
    const minified = JSON.stringify(sample).length
    expect(policySize(sample)).toBe(minified)
    expect(policySize(JSON.stringify(sample, null, 4))).toBe(minified)
    expect(policySize(iamEncoded(sample))).toBe(minified)
  })

  it('measures the document as written, not its canonical form', () => {
    const single: PolicyDocument = { Statement: { Effect: 'Allow', Action: 'a:B', Resource: '*' } }
    expect(policySize(single)).toBe('{"Statement":{"Effect":"Allow","Action":"a:B","Resource":"*"}}'.length)
  })
})

describe('diffPolicies', () => {
  const noSid: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }

  it('is empty for equal documents', () => {
    expect(diffPolicies(sample, iamEncoded(sample))).toEqual([])
  })

  it('names added and removed statements by Sid', () => {
    const withExtra: PolicyDocument = {
      ...sample,
      Statement: [
        ...statementsOf(sample),
        { Sid: 'AllowPricing', Effect: 'Allow', Action: 'pricing:GetProducts', Resource: '*' },
      ],
    }
    expect(diffPolicies(sample, withExtra)).toEqual(['+ statement AllowPricing'])
    expect(diffPolicies(withExtra, sample)).toEqual(['- statement AllowPricing'])
  })

  it('summarizes statements without a Sid', () => {
    expect(diffPolicies(noSid, { Version: '2012-10-17', Statement: [] })).toEqual([
      '- statement (Allow sts:AssumeRole for Service:ec2.amazonaws.com)',
    ])
    expect(statementLabel({ Effect: 'Deny', Action: ['a:A', 'a:B', 'a:C', 'a:D'], Resource: 'arn:x' })).toBe(
      '(Deny a:A, a:B and 2 more on arn:x)',
    )
  })

  it('lists field-level changes of a statement kept under the same Sid', () => {
    const edited: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowRead',
          Effect: 'Allow',
          Action: ['ec2:DescribeSubnets', 'ec2:DescribeInstances'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-2' } },
        },
        statementsOf(sample)[1],
      ],
    }
    expect(diffPolicies(sample, edited)).toEqual([
      '~ statement AllowRead: Action +ec2:describeinstances -ec2:describeimages; ' +
        'Condition +StringEquals(aws:RequestedRegion=eu-west-2) -StringEquals(aws:RequestedRegion=eu-west-1)',
    ])
  })

  it('reports a changed Version', () => {
    expect(diffPolicies({ ...noSid, Version: '2008-10-17' }, noSid)).toEqual(['~ Version: "2008-10-17" → "2012-10-17"'])
  })
})
