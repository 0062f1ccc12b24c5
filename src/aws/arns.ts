/** ARNs of the IAM things the action manages, built from names (the plan knows them before they exist). */

import { partitionOfRegion, type PartitionId } from './regions.js'

/** The partition of a region: aws, aws-cn, aws-us-gov, aws-iso... (aws for a name that is no region's). */
export function partitionOf(region: string): PartitionId {
  return partitionOfRegion(region)?.id ?? 'aws'
}

export interface AccountScope {
  partition: string
  accountId: string
}

/** An IAM path in the form IAM stores: `/` or `/a/b/`. */
export function iamPath(path: string | undefined): string {
  if (!path || path === '/') return '/'
  return `/${path.replace(/^\/+|\/+$/g, '')}/`
}

export function iamRoleArn(scope: AccountScope, name: string, path?: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role${iamPath(path)}${name}`
}

/**
 * The role ARN as the aws-auth ConfigMap wants it: without the path. The EKS authenticator compares the
 * path-less form of the caller's role, so a mapping that names the path never matches.
 */
export function iamRoleArnWithoutPath(scope: AccountScope, name: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:role/${name}`
}

export function iamPolicyArn(scope: AccountScope, name: string, path?: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:policy${iamPath(path)}${name}`
}

export function oidcProviderArn(scope: AccountScope, issuerHostPath: string): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:oidc-provider/${issuerHostPath}`
}

/** True for `arn:...` and `https://...` values where a plain name is expected. */
export function looksLikeArnOrUrl(value: string): boolean {
  return /^arn:|^https?:\/\//i.test(value)
}
