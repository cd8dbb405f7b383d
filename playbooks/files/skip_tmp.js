// Skip temporary files: they are rewritten before they are worth archiving.
function run(req) {
  const info = utils.getNodeInfo(req);
  return !/\.tmp$/.test(info?.getPath() ?? '');
}
