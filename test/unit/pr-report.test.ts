/** The plan as Markdown (job summary and pull-request comment) and as a Mermaid graph. */
import { describe, expect, test } from '@jest/globals'
import { renderMarkdown } from '../../src/report/markdown.js'
import { MAX_GRAPH_NODES, renderMermaid } from '../../src/report/mermaid.js'
import type { ChangeResult } from '../../src/plan/types.js'
import { change, CLUSTER, field, firstPlan, planOf } from './pr-fixtures.js'

const ctx = {
  planId: 'a1b2c3d4e5f60718',
  commit: '3f786850e387550fdab836ed7e6dc881de23001b',
  repoUrl: 'https://github.com/opsfleet/infrastructure',
  runUrl: 'https://github.com/opsfleet/infrastructure/actions/runs/987',
}

describe('renderMarkdown', () => {
  test('heading, Terraform summary line, commit and run links', () => {
    const md = renderMarkdown(firstPlan(), ctx)
    expect(md).toContain(`### Karpenter plan for \`${CLUSTER}\` (eu-west-1)`)
    expect(md).toContain('**Plan: 6 to add, 1 to change, 0 to destroy.**')
    expect(md).toContain(
      'mode `plan` · commit [`3f78685`](https://github.com/opsfleet/infrastructure/commit/3f786850e387550fdab836ed7e6dc881de23001b)' +
        ' · plan `a1b2c3d4e5f60718` · [workflow run](https://github.com/opsfleet/infrastructure/actions/runs/987)',
    )
  })

  test('a table row per changing resource with its symbol; unchanged ones folded away', () => {
    const md = renderMarkdown(firstPlan(), ctx)
    expect(md).toContain('| `~` | iam role | `karpenter-role` | update (2 fields): adopting existing role |')
    expect(md).toContain('| `+` | helm release | `karpenter` | create (3 fields) |')
    expect(md).not.toMatch(/\| `\s*` \| namespace/)
    expect(md).toContain('<details><summary>1 resource unchanged</summary>')
    expect(md).toContain('- namespace `karpenter`')
  })

  test('replace and delete use -/+ and -', () => {
    const md = renderMarkdown(
      planOf([change('sqs-queue:old-queue', 'delete'), change('instance-profile:p', 'replace')]),
      ctx,
    )
    expect(md).toContain('| `-` | sqs queue | `old-queue` | delete |')
    expect(md).toContain('| `-/+` | instance profile | `p` | replace |')
    expect(md).toContain('**Plan: 1 to add, 0 to change, 2 to destroy.**')
  })

  test('field diffs sit in collapsible sections, as diff blocks with detail lines', () => {
    const md = renderMarkdown(firstPlan(), ctx)
    expect(md).toContain('<details><summary><code>+ node pool default</code>: 1 field</summary>')
    expect(md).toContain('```diff\n+ spec.disruption.consolidateAfter = "30s"\n```')
    expect(md).toContain(
      '+ document = {"Version":"2012-10-17","Statement":["…"]}\n    + Sid AllowScopedEC2InstanceAccessActions',
    )
    expect(md).toContain(
      '~ managedPolicies: ["AmazonEKSWorkerNodePolicy"] -> ["AmazonEKSWorkerNodePolicy","AmazonSSMManagedInstanceCore"]',
    )
  })

  test('a sensitive value and its detail lines never appear', () => {
    const md = renderMarkdown(firstPlan(), ctx)
    expect(md).not.toContain('hunter2')
    expect(md).toContain('+ values.webhook.token = (sensitive)')
  })

  test('no changes: said plainly, without a table or diffs', () => {
    const md = renderMarkdown(planOf([change('namespace:karpenter', 'noop')]), { ...ctx, target: 'comment' })
    expect(md).toContain('**No changes. The cluster matches the configuration.**')
    expect(md).not.toContain('| Resource |')
    expect(md).not.toContain('```diff')
    expect(md).not.toContain('```mermaid')
    expect(md).not.toContain('To apply')
  })

  test('a mermaid graph of resources and dependencies, coloured by change', () => {
    const md = renderMarkdown(firstPlan(), ctx)
    const graph = /```mermaid\n([\s\S]*?)\n```/.exec(md)?.[1] ?? ''
    expect(graph.split('\n')[0]).toBe('flowchart LR')
    expect(graph).toContain('r0["~ iam role<br/>karpenter-role"]')
    expect(graph).toContain('r5["namespace<br/>karpenter"]')
    expect(graph).toContain('r0 --> r1')
    expect(graph).toContain('r5 --> r6')
    expect(graph).toContain('class r1,r2,r3,r4,r6,r7 create')
    expect(graph).toContain('class r5 noop')
    expect(graph).toMatch(/classDef create fill:/)
    expect(graph).toMatch(/classDef update fill:/)
    expect(graph).not.toMatch(/classDef delete/)
    expect(md).toContain('<sub>green: create · yellow: update · grey: unchanged</sub>')
  })

  test('the comment adds the next step, naming the pull request', () => {
    const md = renderMarkdown(firstPlan(), { ...ctx, target: 'comment', prNumber: 42 })
    expect(md).toMatch(/To apply, run the apply workflow with `pr-number: 42`\. It plans again first and refuses/)
    expect(renderMarkdown(firstPlan(), ctx)).not.toContain('To apply')
  })

  test('warnings are quoted as GitHub alerts, markup in them escaped', () => {
    const md = renderMarkdown(planOf([], { warnings: ['node access: <aws-auth> is deprecated'] }), ctx)
    expect(md).toContain('> [!WARNING]\n> node access: &lt;aws-auth&gt; is deprecated')
  })

  test('names cannot break the table or the code spans', () => {
    const md = renderMarkdown(planOf([change('config-map:a|b`c', 'create', { note: '</details> <b>x</b>' })]), ctx)
    expect(md).toContain('| `+` | config map | ``a\\|b`c`` | create: &lt;/details&gt; &lt;b&gt;x&lt;/b&gt; |')
  })

  test('a drift check calls the changes drift', () => {
    const md = renderMarkdown(firstPlan(), { ...ctx, drift: true })
    expect(md).toContain('### Karpenter drift check for')
    expect(md).toContain('**Drift detected. Plan: 6 to add, 1 to change, 0 to destroy.**')
  })

  test('after an apply: per-resource results, failures and what did not start', () => {
    const plan = firstPlan()
    const results: ChangeResult[] = [
      { id: 'iam-role:karpenter-role', action: 'update', status: 'done', durationMs: 1200 },
      {
        id: 'iam-policy:karpenter-policy',
        action: 'create',
        status: 'failed',
        durationMs: 300,
        error: 'MalformedPolicyDocument: bad | pipe',
      },
      { id: 'helm-release:karpenter', action: 'create', status: 'skipped', durationMs: 0 },
    ]
    const md = renderMarkdown({ ...plan, mode: 'apply' }, { ...ctx, results, target: 'comment', prNumber: 42 })
    expect(md).toContain('### Karpenter apply for')
    expect(md).toContain('**Apply failed: 1 change(s) failed, 1 done, 1 not started.**')
    expect(md).toContain('| Resource | Name | Change | Result |')
    expect(md).toContain(
      '| `~` | iam role | `karpenter-role` | update (2 fields): adopting existing role | done in 1.2s |',
    )
    expect(md).toContain('**failed** after 0.3s: MalformedPolicyDocument: bad \\| pipe |')
    expect(md).toContain('| not started |')
    expect(md).toContain('class r2 failed')
    expect(md).toContain('class r6 skipped')
    expect(md).toContain('class r0 update')
    expect(md).not.toContain('To apply')
  })

  test('a successful apply says so', () => {
    const plan = planOf([change('namespace:karpenter', 'create')], { mode: 'apply' })
    const md = renderMarkdown(plan, {
      ...ctx,
      results: [{ id: 'namespace:karpenter', action: 'create', status: 'done', durationMs: 50 }],
    })
    expect(md).toContain('**Apply complete: 1 of 1 change(s) done.**')
  })
})

describe('renderMermaid', () => {
  test('labels cannot break out of their quotes', () => {
    const graph = renderMermaid([change('x:a"b<c>#d', 'create')]) ?? ''
    expect(graph).toContain('r0["+ x<br/>a#quot;b#lt;c#gt;#35;d"]')
  })

  test('a big plan keeps the changing resources; a huge one has no graph', () => {
    const many = Array.from({ length: MAX_GRAPH_NODES + 5 }, (_, i) =>
      change(`node-pool:p${i}`, i < 3 ? 'update' : 'noop'),
    )
    const graph = renderMermaid(many) ?? ''
    expect(graph.match(/\["/g)).toHaveLength(3)
    const huge = Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => change(`node-pool:p${i}`, 'create'))
    expect(renderMermaid(huge)).toBeUndefined()
    expect(renderMermaid([])).toBeUndefined()
  })

  test('edges only between shown resources', () => {
    const graph =
      renderMermaid([
        change('a:x', 'create', { dependsOn: ['missing:y'] }),
        change('b:z', 'create', { dependsOn: ['a:x'] }),
      ]) ?? ''
    expect(graph).toContain('r0 --> r1')
    expect(graph).not.toContain('undefined')
  })
})

test('field() helper keeps the shape', () => {
  expect(field('a', 1, 2)).toEqual({ path: 'a', before: 1, after: 2 })
})
