# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error type of the collection: its text is the one sentence a user sees, beside the facts of the API call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class NodeumError(Exception):
    """The one error type of the collection: its text is the sentence shown to the user."""

    def __init__(self, message, status=None, method=None, path=None, messages=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.messages = list(messages or [])
        self.details = details or {}


class NodeumNotFound(NodeumError):
    """A 404: the resource logic knows what was missing and says it in its own words."""
