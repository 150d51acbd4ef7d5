// Verifies an Open Badges 3.0 credential with Digital Bazaar's implementations, not
// Waymark's: @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and the Bitstring
// Status List checker for the embedded proof, and the `jose` package for the VC-JWT.
//
// Reads {"credential": <object or compact JWS, or a list of them>, "documents": {url: document}, "now": iso}
// on standard input. The documents are the only ones the loader serves (contexts, issuer
// profiles, status lists): nothing is fetched from the network.
// Prints {"verified": bool, "revoked": bool, "error": string|null}.
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as jose from 'jose';
import {contexts as securityContexts} from '@digitalbazaar/security-context';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const {credential, documents, now} = JSON.parse(Buffer.concat(chunks).toString());

async function documentLoader(url) {
  const [base, fragment] = url.split('#');
  // jsonld-signatures frames controller documents with the security v2 context.
  const document = documents[base] || securityContexts.get(base);
  if(!document) {
    throw new Error(`Not served to this verifier: ${url}`);
  }
  if(fragment && base !== url) {
    // A verification method: the Multikey object from its controller document.
    const method = (document.verificationMethod || []).find(m => m.id === url);
    if(!method) {
      throw new Error(`No verification method ${url}`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}
    };
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

function statusOf(statusResult) {
  if(!statusResult) {
    return {verified: false, revoked: false, error: 'status not checked'};
  }
  if(!statusResult.verified) {
    return {verified: false, revoked: false, error: String(statusResult.error?.message)};
  }
  const revoked = statusResult.results.some(r => r.status === true);
  return {verified: !revoked, revoked, error: revoked ? 'revoked' : null};
}

async function verifyEmbedded(credential) {
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, now: new Date(now), checkStatus
  });
  if(!result.verified) {
    const error = result.error || result.results?.find(r => r.error)?.error;
    const messages = error?.errors ? error.errors.map(e => e.message + JSON.stringify(e.details || {})) : [error?.message + JSON.stringify(error?.details || {})];
    return {verified: false, revoked: false, error: messages.join('; ')};
  }
  return statusOf(result.statusResult);
}

async function verifyJwt(credential) {
  const {kid} = jose.decodeProtectedHeader(credential);
  const {document: method} = await documentLoader(kid);
  const keyPair = await Ed25519Multikey.from(method);
  const jwk = await Ed25519Multikey.toJwk({keyPair});
  const key = await jose.importJWK(jwk, 'EdDSA');
  let payload;
  try {
    ({payload} = await jose.jwtVerify(credential, key, {
      currentDate: new Date(now), issuer: method.controller
    }));
  } catch(error) {
    return {verified: false, revoked: false, error: `${error.code}: ${error.message}`};
  }
  const statusResult = await checkStatus({
    credential: payload, documentLoader, suite, verifyBitstringStatusListCredential: true
  });
  return statusOf(statusResult);
}

async function verify(one) {
  return typeof one === 'string' ? verifyJwt(one) : verifyEmbedded(one);
}

// One credential, or a list of them checked in one run (node starts once).
const outcome = Array.isArray(credential) ?
  await Promise.all(credential.map(verify)) : await verify(credential);
process.stdout.write(JSON.stringify(outcome));
