# The Python form of the vendor's page "Hook service (callback)".
import utils


def run(req):
    info = utils.get_node_info(req)
    print(info.path, info.size, info.mode, info.atime.ToDatetime(), info.metadata['key'])
    return True
