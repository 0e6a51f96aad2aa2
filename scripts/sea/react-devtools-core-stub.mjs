// Stands in for react-devtools-core in the single executable. Ink imports it only
// when DEV=true (to connect React DevTools); the binary never ships the devtools.
export function initialize() {}
export function connectToDevTools() {}
export default { initialize, connectToDevTools };
