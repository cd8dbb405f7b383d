// Keep the nightly backup small: skip ISO images.
function run(req) {
  const info = utils.getNodeInfo(req);
  return !(info?.getPath() ?? '').endsWith(".iso");
}
