/**
 * The XML answers of the Query-protocol services (EC2, IAM), as the SDK's own parser reads them: a document of
 * elements, text as strings, a repeated element as an array. Lists hold their members in one element name each
 * service picks (`item` for EC2, `member` for IAM).
 */
export type Xml = string | XmlObject | Xml[]
export interface XmlObject {
  [name: string]: Xml
}

/** The document, or undefined for an empty or unreadable body (the caller says what that means). */
export async function parseXmlDocument(body: string): Promise<XmlObject | undefined> {
  if (!body.trim()) return undefined
  const { parseXML } = await import('@aws-sdk/xml-builder')
  try {
    return parseXML(body) as XmlObject
  } catch {
    return undefined
  }
}

/** The members of a list (`<list><item>..</item>..</list>`): none, one or many. */
export function listMembers(list: Xml | undefined, element: 'item' | 'member'): Xml[] {
  if (list === undefined || typeof list === 'string' || Array.isArray(list)) return []
  const m = list[element]
  if (m === undefined) return []
  return Array.isArray(m) ? m : [m]
}

/** The members that are structures (subnets, roles, tags...). */
export function listStructs(list: Xml | undefined, element: 'item' | 'member'): XmlObject[] {
  return listMembers(list, element).filter((i): i is XmlObject => typeof i === 'object' && !Array.isArray(i))
}

/** The element when it is a structure. */
export function struct(node: Xml | undefined): XmlObject | undefined {
  return node !== undefined && typeof node === 'object' && !Array.isArray(node) ? node : undefined
}

/** The element's text. */
export function text(node: Xml | undefined): string | undefined {
  return typeof node === 'string' ? node : undefined
}
