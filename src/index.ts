/**
 * stochgrad: gradient estimators for stochastic binary units. The whole public API in Node
 * (`require('stochgrad')`, `import … from 'stochgrad'`): the universal API (universal.ts, the
 * same in browsers) and the Node-only edges (node.ts). Browsers get browser.ts instead.
 *
 * @module stochgrad
 */
export * from './universal';
export * from './node';
