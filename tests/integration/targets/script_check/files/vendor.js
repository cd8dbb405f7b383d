// The JavaScript lines of the vendor's page "Hook service (callback)", in run(req).
function run(req) {
  const id = req.getId();
  const info = utils.getNodeInfo(req);
  console.log(id, info?.getPath(), info?.getMode());
  return true;
}
